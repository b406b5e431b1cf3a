import Logging
import PostgresNIO

/// The PostgreSQL schema, one migration per version (released migrations are never edited), applied at start by the
/// first instance that takes the advisory lock; the others wait for it and then find nothing left to do.
enum PostgresMigrations {
    /// The advisory lock's key: "stockade" read as a number, the same in every instance.
    static let lockKey: Int64 = 0x73_74_6F_63_6B_61_64_65

    static let all: [(version: String, sql: [String])] = [
        ("v1", [
            "CREATE TABLE domain (name text PRIMARY KEY, kind text NOT NULL, created_at timestamptz NOT NULL)",
            "CREATE TABLE account (id text PRIMARY KEY, created_at timestamptz NOT NULL, closed_at timestamptz)",
            """
            CREATE TABLE key (fingerprint text PRIMARY KEY, account_id text NOT NULL REFERENCES account,
                bytes bytea NOT NULL, imported_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)
            """,
            // seq keeps insertion order, as SQLite's rowid does for addresses created in the same millisecond
            """
            CREATE TABLE address (address text PRIMARY KEY, display text NOT NULL, domain text NOT NULL REFERENCES domain,
                wkd_hash text NOT NULL, account_id text NOT NULL REFERENCES account, role text NOT NULL,
                created_at timestamptz NOT NULL, removed_at timestamptz, key_fingerprint text REFERENCES key,
                seq bigserial NOT NULL)
            """,
            "CREATE INDEX address_by_hash ON address (domain, wkd_hash)",
            "CREATE INDEX address_by_account ON address (account_id)",
            "CREATE INDEX key_by_account ON key (account_id)",
            """
            CREATE TABLE vks_key (fingerprint text PRIMARY KEY, bytes bytea NOT NULL, version integer NOT NULL,
                updated_at timestamptz NOT NULL)
            """,
            """
            CREATE TABLE vks_lookup (lookup_id text NOT NULL, fingerprint text NOT NULL REFERENCES vks_key ON DELETE CASCADE,
                PRIMARY KEY (lookup_id, fingerprint))
            """,
            "CREATE INDEX vks_lookup_by_key ON vks_lookup (fingerprint)",
            """
            CREATE TABLE vks_address (address text PRIMARY KEY, fingerprint text NOT NULL REFERENCES vks_key,
                published_at timestamptz NOT NULL)
            """,
            "CREATE INDEX vks_address_by_key ON vks_address (fingerprint)",
            "CREATE TABLE vks_upload (fingerprint text PRIMARY KEY, bytes bytea NOT NULL, expires_at timestamptz NOT NULL)",
            """
            CREATE TABLE vks_token (hash text PRIMARY KEY, purpose text NOT NULL, fingerprint text NOT NULL,
                address text NOT NULL, bytes bytea NOT NULL, created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)
            """,
            "CREATE INDEX vks_token_by_address ON vks_token (address, purpose, created_at)",
            """
            CREATE TABLE vks_outbox (id bigserial PRIMARY KEY, recipient text NOT NULL, subject text NOT NULL,
                body text NOT NULL, created_at timestamptz NOT NULL, attempts integer NOT NULL,
                next_attempt_at timestamptz NOT NULL, last_error text, dead_at timestamptz)
            """,
            "CREATE INDEX vks_outbox_due ON vks_outbox (next_attempt_at, id) WHERE dead_at IS NULL",
            """
            CREATE TABLE mtasts_policy (domain text PRIMARY KEY, id text NOT NULL, text text NOT NULL,
                fetched_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)
            """,
        ]),
        // Directory changes announced at commit on the channel `stockade_directory_<schema>` (DirectoryChange payloads),
        // from triggers, so that every way of writing (any instance, `stockade migrate`, an operator's SQL) is seen.
        ("v2-directory-notify", [
            """
            CREATE FUNCTION stockade_notify_address() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    PERFORM pg_notify('stockade_directory_' || TG_TABLE_SCHEMA, 'a ' || OLD.domain || ' ' || OLD.wkd_hash);
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    PERFORM pg_notify('stockade_directory_' || TG_TABLE_SCHEMA, 'a ' || NEW.domain || ' ' || NEW.wkd_hash);
                END IF;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER address_changed AFTER INSERT OR UPDATE OR DELETE ON address FOR EACH ROW EXECUTE FUNCTION stockade_notify_address()",
            """
            CREATE FUNCTION stockade_notify_key() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('stockade_directory_' || TG_TABLE_SCHEMA, 'a ' || a.domain || ' ' || a.wkd_hash)
                    FROM address a WHERE a.key_fingerprint = NEW.fingerprint;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER key_changed AFTER UPDATE ON key FOR EACH ROW EXECUTE FUNCTION stockade_notify_key()",
            """
            CREATE FUNCTION stockade_notify_domain() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('stockade_directory_' || TG_TABLE_SCHEMA, 'd ' || OLD.name); END IF;
                IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('stockade_directory_' || TG_TABLE_SCHEMA, 'd ' || NEW.name); END IF;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER domain_changed AFTER INSERT OR UPDATE OR DELETE ON domain FOR EACH ROW EXECUTE FUNCTION stockade_notify_domain()",
        ]),
        // The milter's evaluated messages for DMARC aggregate reports (RFC 9990), and the reports taken for sending.
        ("v3-dmarc-results", [
            """
            CREATE TABLE dmarc_result (id bigserial PRIMARY KEY, received_at timestamptz NOT NULL, policy_domain text NOT NULL,
                organizational_domain text NOT NULL, policy_record text NOT NULL, discovery_method text NOT NULL,
                source_ip text NOT NULL, header_from text NOT NULL, envelope_from text NOT NULL, envelope_to text,
                spf_domain text, spf_scope text, spf_result text, signatures text NOT NULL, dkim_aligned boolean NOT NULL,
                spf_aligned boolean NOT NULL, disposition text NOT NULL, override_reason text, override_comment text)
            """,
            "CREATE INDEX dmarc_result_by_domain ON dmarc_result (policy_domain, received_at)",
            "CREATE INDEX dmarc_result_by_time ON dmarc_result (received_at)",
            """
            CREATE TABLE dmarc_report_claim (policy_domain text NOT NULL, begin_at timestamptz NOT NULL,
                claimed_at timestamptz NOT NULL, PRIMARY KEY (policy_domain, begin_at))
            """,
        ]),
        // Key-server publications announced on the directory's channel (DirectoryChange payloads `k`, `q`, `e`), so
        // that every instance drops the prepared VKS and HKP answers a write on any instance affects.
        ("v4-keyserver-notify", [
            """
            CREATE FUNCTION stockade_notify_vks_key() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('stockade_directory_' || TG_TABLE_SCHEMA, 'k ' || OLD.fingerprint); END IF;
                IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('stockade_directory_' || TG_TABLE_SCHEMA, 'k ' || NEW.fingerprint); END IF;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER vks_key_changed AFTER INSERT OR UPDATE OR DELETE ON vks_key FOR EACH ROW EXECUTE FUNCTION stockade_notify_vks_key()",
            """
            CREATE FUNCTION stockade_notify_vks_lookup() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('stockade_directory_' || TG_TABLE_SCHEMA, 'q ' || NEW.lookup_id);
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER vks_lookup_added AFTER INSERT ON vks_lookup FOR EACH ROW EXECUTE FUNCTION stockade_notify_vks_lookup()",
            """
            CREATE FUNCTION stockade_notify_vks_address() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('stockade_directory_' || TG_TABLE_SCHEMA, 'e ' || OLD.address); END IF;
                IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('stockade_directory_' || TG_TABLE_SCHEMA, 'e ' || NEW.address); END IF;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER vks_address_changed AFTER INSERT OR UPDATE OR DELETE ON vks_address FOR EACH ROW EXECUTE FUNCTION stockade_notify_vks_address()",
        ]),
        // The report inbox (received TLSRPT and DMARC aggregate reports, as SQLite's v6-reports) and the sending side's
        // TLS session counts (as SQLite's v7-tls-sessions). Each policy and row carries its report's domain and day, so
        // a summary is one indexed GROUP BY.
        ("v5-reports", [
            """
            CREATE TABLE report (id bigserial PRIMARY KEY, kind text NOT NULL, organization text NOT NULL, report_id text NOT NULL,
                contact_info text NOT NULL, begin_at timestamptz NOT NULL, end_at timestamptz NOT NULL,
                received_at timestamptz NOT NULL, channel text NOT NULL, dkim text, dkim_domain text, raw bytea NOT NULL,
                raw_format text NOT NULL, UNIQUE (kind, organization, report_id))
            """,
            """
            CREATE TABLE tlsrpt_policy (id bigserial PRIMARY KEY, report_row_id bigint NOT NULL REFERENCES report ON DELETE CASCADE,
                domain text NOT NULL, day text NOT NULL, type text NOT NULL, strings text[] NOT NULL, mx_hosts text[] NOT NULL,
                successful bigint NOT NULL, failed bigint NOT NULL)
            """,
            "CREATE INDEX tlsrpt_policy_by_domain_day ON tlsrpt_policy (domain, day)",
            "CREATE INDEX tlsrpt_policy_by_report ON tlsrpt_policy (report_row_id)",
            """
            CREATE TABLE tlsrpt_failure (id bigserial PRIMARY KEY,
                policy_row_id bigint NOT NULL REFERENCES tlsrpt_policy ON DELETE CASCADE, domain text NOT NULL, day text NOT NULL,
                result_type text NOT NULL, sending_mta_ip text, receiving_mx text, receiving_ip text, sessions bigint NOT NULL)
            """,
            "CREATE INDEX tlsrpt_failure_by_domain_day ON tlsrpt_failure (domain, day)",
            "CREATE INDEX tlsrpt_failure_by_policy ON tlsrpt_failure (policy_row_id)",
            """
            CREATE TABLE dmarc_report_row (id bigserial PRIMARY KEY,
                report_row_id bigint NOT NULL REFERENCES report ON DELETE CASCADE, domain text NOT NULL, day text NOT NULL,
                source_ip text NOT NULL, count bigint NOT NULL, disposition text NOT NULL, dkim_aligned boolean NOT NULL,
                spf_aligned boolean NOT NULL, header_from text NOT NULL)
            """,
            "CREATE INDEX dmarc_report_row_by_domain_day ON dmarc_report_row (domain, day)",
            "CREATE INDEX dmarc_report_row_by_report ON dmarc_report_row (report_row_id)",
            """
            CREATE TABLE tls_session_count (id bigserial PRIMARY KEY, day timestamptz NOT NULL, domain text NOT NULL,
                policy text NOT NULL, sessions bigint NOT NULL, failed_sessions bigint NOT NULL, UNIQUE (day, domain, policy))
            """,
            """
            CREATE TABLE tls_failure_count (id bigserial PRIMARY KEY,
                policy_count bigint NOT NULL REFERENCES tls_session_count ON DELETE CASCADE, failure text NOT NULL,
                count bigint NOT NULL, UNIQUE (policy_count, failure))
            """,
            """
            CREATE TABLE tls_report_claim (domain text NOT NULL, day timestamptz NOT NULL, claimed_at timestamptz NOT NULL,
                PRIMARY KEY (domain, day))
            """,
        ]),
    ]

    /// Applies the migrations not yet recorded in `stockade_schema`, each in its own transaction, holding the advisory
    /// lock on one connection throughout.
    static func apply(on connection: PostgresConnection, schema: String?, logger: Logger) async throws {
        try await connection.run("SELECT pg_advisory_lock(\(lockKey))", logger: logger)
        do {
            if let schema {  // a plain identifier (PostgresSettings.isPlainIdentifier), safe to splice
                try await connection.run(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger)
            }
            try await connection.run("""
                CREATE TABLE IF NOT EXISTS stockade_schema (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            let applied = Set(try await connection.rows("SELECT version FROM stockade_schema", logger: logger) {
                try $0.decode(String.self)
            })
            for migration in all where !applied.contains(migration.version) {
                try await connection.withTransaction(logger: logger) { connection in
                    for statement in migration.sql {
                        try await connection.run(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.run("INSERT INTO stockade_schema (version) VALUES (\(migration.version))",
                                               logger: logger)
                }
                logger.info("database migrated", metadata: ["version": "\(migration.version)"])
            }
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
            throw error
        }
        try await connection.run("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
    }
}
