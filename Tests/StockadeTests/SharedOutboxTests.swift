import Foundation
import Logging
import Store
import TestSupport
import Testing

/// The outbox of two `stockade serve` instances on one PostgreSQL database (issue 19): claims with
/// `FOR UPDATE SKIP LOCKED` and a lease, so a queued message is sent once, and a crash costs at most the one message
/// that was accepted by the relay but not yet deleted.
@Suite("Two server instances sharing one outbox (lab PostgreSQL and SMTP sink)", .serialized)
struct SharedOutboxTests {
    /// Both instances, with the key server on (it runs the outbox) and mail to the lab's plaintext sink.
    static func startInstances(settings: [String: Any]) async throws -> (ServerProcess, ServerProcess) {
        var settings = settings
        settings["keyServer"] = ["baseURL": "http://keys.outbox.test", "mailFrom": "keys@outbox.test"]
        settings["mail"] = ["relay": try labSMTPSink(), "tls": "none"]
        let first = try await ServerProcess(extra: settings)
        let second = try await ServerProcess(extra: settings)
        return (first, second)
    }

    /// The store the instances share, opened by the test as a third writer.
    static func openStore(_ settings: [String: Any]) async throws -> PostgresStore {
        let url = try #require(settings["database"] as? String)
        let password = try PostgresSettings.password(file: try #require(settings["databasePasswordFile"] as? String))
        return try await PostgresStore.open(try PostgresSettings(url: url, password: password), logger: Logger(label: "test"))
    }

    /// Queues `count` messages to `m<N>-<run>@outbox.test`, 100 per transaction; returns the recipients.
    static func queue(_ count: Int, run: String, into store: PostgresStore) async throws -> [String] {
        let recipients = (0..<count).map { "m\($0)-\(run)@outbox.test" }
        let now = Date()
        for batch in stride(from: 0, to: count, by: 100) {
            var change = KeyServerChange()
            change.mail = recipients[batch..<min(batch + 100, count)].map {
                OutgoingMailRecord(recipient: $0, subject: "outbox \(run)", body: "to \($0)\r\n", createdAt: now, nextAttemptAt: now)
            }
            try await store.commit(change)
        }
        return recipients
    }

    /// How many times the sink received a message for each recipient of this run (`-<run>@outbox.test`).
    static func deliveries(run: String) throws -> [String: Int] {
        let maildir = try labVariable("STOCKADE_LAB_SMTP_MAILDIR")
        var counts: [String: Int] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: maildir)) ?? []
        for name in names where name.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: "\(maildir)/\(name)"),
                  let envelope = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let recipients = envelope["rcpt_tos"] as? [String] else { continue }
            for recipient in recipients where recipient.hasSuffix("-\(run)@outbox.test") { counts[recipient, default: 0] += 1 }
        }
        return counts
    }

    /// Runs one SQL statement with `psql` in the instances' schema, as an operator would.
    static func psql(_ statement: String, _ settings: [String: Any]) throws {
        let text = try #require(settings["database"] as? String)
        let url = try #require(URLComponents(string: text))
        let schema = try #require(url.queryItems?.first { $0.name == "schema" }?.value)
        let passwordFile = try #require(settings["databasePasswordFile"] as? String)
        let password = try String(contentsOfFile: passwordFile, encoding: .utf8)
        let connection = "host=\(url.host ?? "") port=\(url.port ?? 5432) user=\(url.user ?? "") dbname=\(url.path.dropFirst()) options=-csearch_path=\(schema)"
        try runTool("psql", [connection, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--command=\(statement)"],
                    environment: ["PGPASSWORD": password.trimmingCharacters(in: .whitespacesAndNewlines)])
    }

    /// Waits up to `seconds` for the outbox to hold no queued message.
    static func waitForEmptyOutbox(_ store: PostgresStore, seconds: Int) async throws -> OutboxDepth {
        var depth = try await store.outboxDepth()
        for _ in 0..<(seconds * 10) where depth.queued > 0 {
            try await Task.sleep(for: .milliseconds(100))
            depth = try await store.outboxDepth()
        }
        return depth
    }

    @Test func aThousandMailsQueuedWhileBothRunAreEachSentOnce() async throws {
        let settings = try SharedDatabaseTests.databaseSettings()
        let store = try await Self.openStore(settings)
        let (first, second) = try await Self.startInstances(settings: settings)
        defer { first.stop(); first.removeData(); second.stop(); second.removeData() }
        let run = UUID().uuidString.prefix(8).lowercased()

        let recipients = try await Self.queue(1000, run: String(run), into: store)
        let depth = try await Self.waitForEmptyOutbox(store, seconds: 120)
        await store.close()

        #expect(depth.queued == 0)
        #expect(depth.dead == 0)
        let counts = try Self.deliveries(run: String(run))
        #expect(counts.count == 1000)
        #expect(Set(counts.keys) == Set(recipients))
        #expect(counts.values.filter { $0 != 1 }.count == 0, "sent more than once: \(counts.filter { $0.value > 1 }.keys.sorted())")
    }

    /// `kill -9` of one instance while both send: the other sends everything not leased to the dead one at once; what
    /// the dead one had claimed waits for its lease (here ended by hand, as 15 minutes passing would), then is sent.
    /// Nothing is lost, and at most one message (accepted by the relay, not yet deleted) is sent twice.
    @Test func killingOneInstanceWhileSendingLosesNothingAndDuplicatesAtMostOne() async throws {
        let settings = try SharedDatabaseTests.databaseSettings()
        let store = try await Self.openStore(settings)
        let (first, second) = try await Self.startInstances(settings: settings)
        defer { first.stop(); first.removeData(); second.stop(); second.removeData() }
        let run = String(UUID().uuidString.prefix(8).lowercased())

        let recipients = try await Self.queue(1000, run: run, into: store)
        while try Self.deliveries(run: run).count < 200 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(first.kill(signal: SIGKILL) == SIGKILL)

        // The survivor empties the outbox of everything that is due; the dead instance's claims stay leased.
        for _ in 0..<1200 {
            let due = try await store.dueMail(at: Date(), limit: 1)
            if due.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let leased = try await store.outboxDepth().queued
        #expect(leased <= 50, "at most one claim of 50 was held by the killed instance; \(leased) still queued")
        #expect(try await store.dueMail(at: Date(), limit: 1).isEmpty)

        // The lease ends (moved to now instead of waiting 15 minutes): the survivor sends the rest.
        try Self.psql("UPDATE vks_outbox SET next_attempt_at = now() - interval '1 second'", settings)
        let depth = try await Self.waitForEmptyOutbox(store, seconds: 60)
        await store.close()

        #expect(depth.queued == 0)
        let counts = try Self.deliveries(run: run)
        #expect(Set(counts.keys) == Set(recipients), "lost: \(Set(recipients).subtracting(counts.keys).count)")
        let duplicates = counts.filter { $0.value > 1 }
        #expect(duplicates.count <= 1, "sent twice: \(duplicates.keys.sorted())")
        #expect(duplicates.values.allSatisfy { $0 == 2 })
    }
}
