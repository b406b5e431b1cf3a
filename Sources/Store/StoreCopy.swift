import Crypto
public import Foundation
import GRDB
import NIOCore
import NIOFoundationCompat
import PostgresNIO

/// `stockade migrate`: copies a single-machine installation's SQLite store into PostgreSQL, table by table in
/// dependency order, in batches. Rows already in the target are kept (`ON CONFLICT DO NOTHING`), so an interrupted copy
/// is restarted by running it again. Each table is then verified: row counts and a SHA-256 over every row, read back
/// from both sides in primary-key order.
public enum StoreCopy {
    /// The outcome for one table.
    public struct TableReport: Sendable, Equatable, Codable {
        public let table: String
        public let sourceRows: Int
        /// Rows this run inserted (the others were there already).
        public let copiedRows: Int
        public let targetRows: Int
        public let sourceChecksum: String
        public let targetChecksum: String
        public var matches: Bool { sourceRows == targetRows && sourceChecksum == targetChecksum }
    }

    /// Rows inserted per transaction.
    static let batchSize = 500

    public static func copy(from source: SQLiteStore, to target: PostgresStore) async throws(StoreError) -> [TableReport] {
        let present = try await source.read { db in
            try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
                """)
        }
        var unsupported: [String] = []
        for table in present where !tables.contains(where: { $0.sqliteName == table }) {
            let rows = try await source.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
            if rows > 0 { unsupported.append("\(table) (\(rows) rows)") }
        }
        guard unsupported.isEmpty else {
            throw .configuration("these tables have no PostgreSQL counterpart yet and would be lost: \(unsupported.joined(separator: ", "))")
        }
        var reports: [TableReport] = []
        for table in tables {
            let rows = try await source.read { db in try table.sqliteRows(db) }
            var copied = 0
            for start in stride(from: 0, to: rows.count, by: batchSize) {
                let batch = Array(rows[start..<min(start + batchSize, rows.count)])
                copied += try await target.transaction("\(table.postgresName) rows") { connection in
                    var inserted = 0
                    for row in batch {
                        inserted += try await connection.count(table.insert(row), logger: target.logger)
                    }
                    return inserted
                }
            }
            if let sequence = table.sequence {
                try await target.execute(PostgresQuery(unsafeSQL: """
                    SELECT setval('\(sequence)', GREATEST((SELECT max(id) FROM \(table.postgresName)), 1))
                    """), what: sequence)
            }
            let targetRows = try await target.rows(PostgresQuery(unsafeSQL: table.postgresSelect)) { try table.postgresRow($0) }
            reports.append(TableReport(table: table.postgresName, sourceRows: rows.count, copiedRows: copied, targetRows: targetRows.count,
                                       sourceChecksum: checksum(rows), targetChecksum: checksum(targetRows)))
        }
        return reports
    }

    /// SHA-256 over the rows in order, each value typed and length-prefixed; dates at millisecond precision (SQLite's).
    static func checksum(_ rows: [[CopiedValue]]) -> String {
        var hash = SHA256()
        for row in rows {
            for value in row { hash.update(data: value.canonical) }
            hash.update(data: [0x0A])
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The tables and their columns, parents before children.
    static let tables: [CopiedTable] = [
        CopiedTable("domain", key: "name", [("name", .text), ("kind", .text), ("createdAt", .date)]),
        CopiedTable("account", key: "id", [("id", .text), ("createdAt", .date), ("closedAt", .optionalDate)]),
        CopiedTable("key", key: "fingerprint", [("fingerprint", .text), ("accountID", .text), ("bytes", .blob), ("importedAt", .date),
                                                 ("updatedAt", .date)]),
        // rowid order becomes seq order: addresses created in the same millisecond keep their order
        CopiedTable("address", key: "address", sqliteOrder: "rowid", postgresOrder: "seq", [
            ("address", .text), ("display", .text), ("domain", .text), ("wkdHash", .text), ("accountID", .text), ("role", .text),
            ("createdAt", .date), ("removedAt", .optionalDate), ("keyFingerprint", .optionalText),
        ]),
        CopiedTable("vks_key", key: "fingerprint", [("fingerprint", .text), ("bytes", .blob), ("version", .integer), ("updatedAt", .date)]),
        CopiedTable("vks_lookup", key: "lookupID, fingerprint", [("lookupID", .text), ("fingerprint", .text)]),
        CopiedTable("vks_address", key: "address", [("address", .text), ("fingerprint", .text), ("publishedAt", .date)]),
        CopiedTable("vks_upload", key: "fingerprint", [("fingerprint", .text), ("bytes", .blob), ("expiresAt", .date)]),
        CopiedTable("vks_token", key: "hash", [("hash", .text), ("purpose", .text), ("fingerprint", .text), ("address", .text),
                                               ("bytes", .blob), ("createdAt", .date), ("expiresAt", .date)]),
        CopiedTable("vks_outbox", key: "id", sequence: "vks_outbox_id_seq", [
            ("id", .integer), ("recipient", .text), ("subject", .text), ("body", .text), ("createdAt", .date), ("attempts", .integer),
            ("nextAttemptAt", .date), ("lastError", .optionalText), ("deadAt", .optionalDate),
        ]),
        CopiedTable("mtasts_policy", key: "domain", [("domain", .text), ("id", .text), ("text", .text), ("fetchedAt", .date),
                                                     ("expiresAt", .date)]),
        CopiedTable("dmarc_result", key: "id", sequence: "dmarc_result_id_seq", postgresColumns: ["sourceIP": "source_ip"], [
            ("id", .integer), ("receivedAt", .date), ("policyDomain", .text), ("organizationalDomain", .text), ("policyRecord", .text),
            ("discoveryMethod", .text), ("sourceIP", .text), ("headerFrom", .text), ("envelopeFrom", .text), ("envelopeTo", .optionalText),
            ("spfDomain", .optionalText), ("spfScope", .optionalText), ("spfResult", .optionalText), ("signatures", .text),
            ("dkimAligned", .boolean), ("spfAligned", .boolean), ("disposition", .text), ("overrideReason", .optionalText),
            ("overrideComment", .optionalText),
        ]),
        CopiedTable("dmarc_report_claim", key: "policyDomain, begin", postgresOrder: "policy_domain, begin_at",
                    postgresColumns: ["begin": "begin_at"], [("policyDomain", .text), ("begin", .date), ("claimedAt", .date)]),
        CopiedTable("report", key: "id", sequence: "report_id_seq", [
            ("id", .integer), ("kind", .text), ("organization", .text), ("reportID", .text), ("contactInfo", .text), ("beginAt", .date),
            ("endAt", .date), ("receivedAt", .date), ("channel", .text), ("dkim", .optionalText), ("dkimDomain", .optionalText),
            ("raw", .blob), ("rawFormat", .text),
        ]),
        CopiedTable("tlsrpt_policy", key: "id", sequence: "tlsrpt_policy_id_seq", [
            ("id", .integer), ("reportRowID", .integer), ("domain", .text), ("day", .text), ("type", .text), ("strings", .textList),
            ("mxHosts", .textList), ("successful", .integer), ("failed", .integer),
        ]),
        // SQLite keeps these rows by rowid alone; PostgreSQL gives them an id
        CopiedTable("tlsrpt_failure", key: "rowid", postgresOrder: "id", sequence: "tlsrpt_failure_id_seq",
                    postgresColumns: ["rowid": "id", "sendingMTAIP": "sending_mta_ip", "receivingMX": "receiving_mx", "receivingIP": "receiving_ip"], [
            ("rowid", .integer), ("policyRowID", .integer), ("domain", .text), ("day", .text), ("resultType", .text),
            ("sendingMTAIP", .optionalText), ("receivingMX", .optionalText), ("receivingIP", .optionalText), ("sessions", .integer),
        ]),
        CopiedTable("dmarc_report_row", key: "rowid", postgresOrder: "id", sequence: "dmarc_report_row_id_seq",
                    postgresColumns: ["rowid": "id", "sourceIP": "source_ip"], [
            ("rowid", .integer), ("reportRowID", .integer), ("domain", .text), ("day", .text), ("sourceIP", .text), ("count", .integer),
            ("disposition", .text), ("dkimAligned", .boolean), ("spfAligned", .boolean), ("headerFrom", .text),
        ]),
        CopiedTable("tls_session_count", key: "id", sequence: "tls_session_count_id_seq", [
            ("id", .integer), ("day", .date), ("domain", .text), ("policy", .text), ("sessions", .integer), ("failedSessions", .integer),
        ]),
        CopiedTable("tls_failure_count", key: "id", sequence: "tls_failure_count_id_seq", [
            ("id", .integer), ("policyCount", .integer), ("failure", .text), ("count", .integer),
        ]),
        CopiedTable("tls_report_claim", key: "domain, day", [("domain", .text), ("day", .date), ("claimedAt", .date)]),
    ]
}

/// One column value on its way from SQLite to PostgreSQL.
enum CopiedValue: Sendable, Equatable {
    case text(String?)
    case integer(Int64)
    case boolean(Bool)
    case blob(Data)
    case date(Date?)
    /// A list of texts: JSON text in SQLite, `text[]` in PostgreSQL.
    case list([String])

    /// A type tag, then the value: UTF-8 text, decimal integers, raw bytes, milliseconds since 1970, a list as its
    /// length-prefixed texts; nil as `-`.
    var canonical: [UInt8] {
        let (tag, body): (UInt8, [UInt8]?) = switch self {
        case .text(let text): (0x74, text.map { Array($0.utf8) })
        case .integer(let value): (0x69, Array(String(value).utf8))
        case .boolean(let value): (0x6F, [value ? 0x31 : 0x30])
        case .blob(let data): (0x62, Array(data))
        case .date(let date): (0x64, date.map { Array(String(Int64(($0.timeIntervalSince1970 * 1000).rounded())).utf8) })
        case .list(let texts): (0x6C, texts.flatMap { CopiedValue.text($0).canonical })
        }
        guard let body else { return [tag, 0x2D] }
        return [tag] + Array(String(body.count).utf8) + [0x3A] + body
    }
}

/// A table copied by ``StoreCopy``: SQLite's camelCase columns become PostgreSQL's snake_case ones.
struct CopiedTable: Sendable {
    enum Kind: Sendable { case text, optionalText, integer, boolean, blob, date, optionalDate, textList }

    let sqliteName: String
    let columns: [(name: String, kind: Kind)]
    let key: String
    let sqliteOrder: String
    let postgresOrder: String
    /// The sequence behind an identity column, moved past the copied ids.
    let sequence: String?
    /// PostgreSQL names that are not the snake case of the SQLite ones (`begin` is reserved there).
    let postgresColumns: [String: String]

    init(_ name: String, key: String, sqliteOrder: String? = nil, postgresOrder: String? = nil, sequence: String? = nil,
         postgresColumns: [String: String] = [:], _ columns: [(name: String, kind: Kind)]) {
        sqliteName = name
        self.key = key
        self.columns = columns
        self.sqliteOrder = sqliteOrder ?? key
        self.postgresOrder = postgresOrder ?? Self.snakeCase(key)
        self.sequence = sequence
        self.postgresColumns = postgresColumns
    }

    /// The PostgreSQL name of a column.
    func postgresColumn(_ name: String) -> String { postgresColumns[name] ?? Self.snakeCase(name) }

    var postgresName: String { sqliteName }

    /// `accountID` → `account_id`, `wkdHash` → `wkd_hash`.
    static func snakeCase(_ name: String) -> String {
        name.replacingOccurrences(of: "ID", with: "Id").reduce(into: "") { result, character in
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
    }

    func sqliteRows(_ db: GRDB.Database) throws -> [[CopiedValue]] {
        let names = columns.map(\.name).joined(separator: ", ")
        return try Row.fetchAll(db, sql: "SELECT \(names) FROM \(sqliteName) ORDER BY \(sqliteOrder)").map { row in
            try columns.map { column in
                switch column.kind {
                case .text, .optionalText: .text(row[column.name])
                case .integer: .integer(row[column.name])
                case .boolean: .boolean(row[column.name])
                case .blob: .blob(row[column.name])
                case .date, .optionalDate: .date(row[column.name])
                case .textList: .list(try JSONDecoder().decode([String].self, from: Data((row[column.name] as String).utf8)))
                }
            }
        }
    }

    var postgresSelect: String {
        "SELECT \(columns.map { postgresColumn($0.name) }.joined(separator: ", ")) FROM \(postgresName) ORDER BY \(postgresOrder)"
    }

    func postgresRow(_ row: PostgresRow) throws -> [CopiedValue] {
        var values: [CopiedValue] = []
        for (cell, column) in zip(row, columns) {
            switch column.kind {
            case .text: values.append(.text(try cell.decode(String.self)))
            case .optionalText: values.append(.text(try cell.decode(String?.self)))
            case .integer: values.append(.integer(try cell.decode(Int64.self)))
            case .boolean: values.append(.boolean(try cell.decode(Bool.self)))
            case .blob: values.append(.blob(try cell.decode(Data.self)))
            case .date: values.append(.date(try cell.decode(Date.self)))
            case .optionalDate: values.append(.date(try cell.decode(Date?.self)))
            case .textList: values.append(.list(try cell.decode([String].self)))
            }
        }
        return values
    }

    /// `INSERT … ON CONFLICT DO NOTHING RETURNING 1` for one row.
    func insert(_ row: [CopiedValue]) throws -> PostgresQuery {
        var bindings = PostgresBindings(capacity: row.count)
        for value in row {
            switch value {
            case .text(let text): bindings.append(text)
            case .integer(let value): bindings.append(value)
            case .boolean(let value): bindings.append(value)
            case .blob(let data): bindings.append(ByteBuffer(data: data))
            case .date(let date): bindings.append(date)
            case .list(let texts): bindings.append(texts)
            }
        }
        let names = columns.map { postgresColumn($0.name) }.joined(separator: ", ")
        let placeholders = (1...row.count).map { "$\($0)" }.joined(separator: ", ")
        return PostgresQuery(unsafeSQL: "INSERT INTO \(postgresName) (\(names)) VALUES (\(placeholders)) ON CONFLICT DO NOTHING RETURNING 1",
                             binds: bindings)
    }
}
