import Foundation
import KeyServer
import Logging
import Store
import Synchronization
import TestSupport
import Testing

/// The outbox's delivery rules on real SQLite, with a relay and a store that fail on purpose and a settable clock
/// (no sleeping: leases and backoff are crossed by moving the clock).
@Suite struct OutboxTests {
    // MARK: accepted by the relay, then the delete fails

    @Test func anAcceptedMessageWhoseDeleteKeepsFailingIsNotSentAgainByTheSameOutbox() async throws {
        let h = try OutboxHarness()
        defer { h.close() }
        let id = try await h.enqueue(1)[0]
        h.store.failures.withLock { $0.delete = 3 }
        let outbox = h.outbox()
        let first = await outbox.deliverDue()
        #expect(first.claimed == 1 && first.sent == 1 && first.storeFailed)
        h.clock.advance(1)
        let second = await outbox.deliverDue()
        #expect(second.claimed == 0 && second.storeFailed)
        // Past the lease the claim returns the row again; this outbox remembers sending it and deletes it instead.
        h.clock.advance(h.policy.lease)
        let late = await outbox.deliverDue()
        #expect(late.claimed == 1 && late.sent == 0 && late.deferred == 0)
        #expect(h.relay.sends(id) == 1)
        #expect(try await h.store.mail(id: id) == nil)
        #expect(h.store.calls.withLock { $0.delete } == 4)
    }

    @Test func theSameOutboxDeletesBeforeItsNextClaim() async throws {
        let h = try OutboxHarness()
        defer { h.close() }
        let id = try await h.enqueue(1)[0]
        h.store.failures.withLock { $0.delete = 1 }
        let outbox = h.outbox()
        let first = await outbox.deliverDue()
        #expect(first.sent == 1 && first.storeFailed)
        #expect(try await h.store.mail(id: id) != nil)
        h.clock.advance(1)
        let second = await outbox.deliverDue()
        #expect(second == OutboxRound())
        #expect(try await h.store.mail(id: id) == nil)
        #expect(h.relay.sends(id) == 1)
        #expect(h.store.calls.withLock { $0.delete } == 2)
    }

    @Test func aCrashAfterTheRelayAcceptedCostsOneDuplicateAfterTheLease() async throws {
        let h = try OutboxHarness()
        defer { h.close() }
        let id = try await h.enqueue(1)[0]
        let start = h.clock.now
        h.store.failures.withLock { $0.delete = 1 }
        #expect(await h.outbox().deliverDue().sent == 1)
        // That outbox is gone (a crash): a new one, or another server, sees only the lease.
        let restarted = h.outbox()
        h.clock.set(start.addingTimeInterval(1))
        #expect(await restarted.deliverDue().claimed == 0)
        h.clock.set(start.addingTimeInterval(h.policy.lease - 1))
        #expect(await restarted.deliverDue().claimed == 0)
        #expect(h.relay.sends(id) == 1)
        h.clock.set(start.addingTimeInterval(h.policy.lease))
        let after = await restarted.deliverDue()
        #expect(after.claimed == 1 && after.sent == 1)
        #expect(h.relay.sends(id) == 2)
        #expect(try await h.store.mail(id: id) == nil)
        h.clock.advance(h.policy.lease * 10)
        #expect(await restarted.deliverDue().claimed == 0)
        #expect(h.relay.sends(id) == 2)
    }

    // MARK: backoff

    @Test func transientFailuresBackOffFrom30SecondsTo1HourAndPermanentOnesADay() async throws {
        let h = try OutboxHarness()
        defer { h.close() }
        let id = try await h.enqueue(1)[0]
        h.relay.failWith(.reply(code: 451, enhancedStatus: (4, 3, 0)))
        let outbox = h.outbox()
        var delays: [TimeInterval] = []
        for _ in 0..<9 {
            #expect(await outbox.deliverDue().deferred == 1)
            let row = try #require(try await h.store.mail(id: id))
            let delay = row.nextAttemptAt.timeIntervalSince(h.clock.now)
            delays.append(delay.rounded())
            // Not due a moment before; due at the time.
            h.clock.advance(delay - 1)
            #expect(await outbox.deliverDue().claimed == 0)
            h.clock.advance(1)
        }
        #expect(delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600])
        h.relay.failWith(.reply(code: 554, enhancedStatus: (5, 7, 1)))
        #expect(await outbox.deliverDue().deferred == 1)
        let row = try #require(try await h.store.mail(id: id))
        #expect(row.nextAttemptAt.timeIntervalSince(h.clock.now).rounded() == 86_400)
        #expect(row.attempts == 10)
        #expect(row.lastError == "554 5.7.1")
        #expect(h.relay.sends(id) == 10)
    }

    @Test func aFailingClaimBacksOffThePoll() async throws {
        let h = try OutboxHarness()
        defer { h.close() }
        try await h.enqueue(1)
        h.store.failures.withLock { $0.claim = .max }
        let pauses = await h.run(for: 600)
        // 1 s doubling to 5 minutes instead of 500 ms: 10 claims in 10 minutes, not 1200.
        #expect(h.store.calls.withLock { $0.claim } == 10)
        #expect(pauses == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300].map { Duration.seconds($0) })
        #expect(h.relay.total == 0)
        // Once the store answers again, the poll is back to 500 ms.
        h.store.failures.withLock { $0.claim = 0 }
        let recovered = await h.run(for: 2)
        #expect(recovered == [.milliseconds(500), .milliseconds(500), .milliseconds(500), .milliseconds(500), .milliseconds(500)])
        #expect(h.relay.total == 1)
    }

    @Test func aFailingRescheduleNeitherLoopsNorResendsBeforeTheLease() async throws {
        let h = try OutboxHarness()
        defer { h.close() }
        let id = try await h.enqueue(1)[0]
        h.relay.failWith(.connectionFailed)
        h.store.failures.withLock { $0.deferMail = .max }
        let pauses = await h.run(for: h.policy.lease - 1)
        #expect(h.relay.sends(id) == 1)
        #expect(pauses.first == .seconds(1))
        // Only the first round touched the message; later rounds found nothing due and the pause went back to 500 ms.
        #expect(pauses.dropFirst().allSatisfy { $0 == .milliseconds(500) })
        #expect(h.store.calls.withLock { $0.deferMail } == 1)
        _ = await h.run(for: 2)
        #expect(h.relay.sends(id) == 2)
    }

    @Test func aFailingDeleteBacksOffThePoll() async throws {
        let h = try OutboxHarness()
        defer { h.close() }
        let id = try await h.enqueue(1)[0]
        h.store.failures.withLock { $0.delete = .max }
        let pauses = await h.run(for: 600)
        #expect(h.relay.sends(id) == 1)
        #expect(h.store.calls.withLock { $0.delete } == 10)
        #expect(pauses == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300].map { Duration.seconds($0) })
    }

    // MARK: attempt limit

    @Test func afterTwentyAttemptsAMessageIsKeptAsDeadAndLoggedOnce() async throws {
        let logs = LogCapture()
        let h = try OutboxHarness(logs: logs)
        defer { h.close() }
        let id = try await h.enqueue(1)[0]
        h.relay.failWith(.reply(code: 451, enhancedStatus: (4, 3, 0)))
        let outbox = h.outbox()
        var dead = 0
        for _ in 0..<30 {
            dead += await outbox.deliverDue().dead
            h.clock.advance(86_400)
        }
        #expect(dead == 1)
        #expect(h.relay.sends(id) == 20)
        let row = try #require(try await h.store.mail(id: id))
        #expect(row.attempts == 20)
        #expect(row.deadAt != nil)
        #expect(row.lastError == "451 4.3.0")
        #expect(try await h.store.dueMail(at: .distantFuture, limit: 10).isEmpty)
        #expect(logs.lines(at: .error).filter { $0.message.contains("gave up") }.count == 1)
        #expect(logs.lines(at: .warning).filter { $0.message == "mail not sent" }.count == 19)
    }

    @Test func aLastAttemptThatEndsWithoutAVerdictIsNotSentAgain() async throws {
        let logs = LogCapture()
        let h = try OutboxHarness(logs: logs)
        defer { h.close() }
        let id = try await h.enqueue(1)[0]
        h.relay.failWith(.timedOut)
        let outbox = h.outbox()
        for _ in 0..<19 {
            #expect(await outbox.deliverDue().deferred == 1)
            h.clock.advance(3600)
        }
        // The 20th attempt fails and marking the message dead fails too: the lease holds it.
        h.store.failures.withLock { $0.markDead = 1 }
        let last = await outbox.deliverDue()
        #expect(last.claimed == 1 && last.dead == 0 && last.storeFailed)
        h.clock.advance(h.policy.lease)
        let after = await outbox.deliverDue()
        #expect(after.claimed == 1 && after.dead == 1)
        #expect(h.relay.sends(id) == 20)
        let row = try #require(try await h.store.mail(id: id))
        #expect(row.attempts == 21 && row.deadAt != nil && row.lastError == "timed out")
        #expect(logs.lines(at: .error).filter { $0.message.contains("gave up") }.count == 1)
    }

    // MARK: privacy

    @Test func relayTextWithTheRecipientIsNeitherStoredNorLoggedAboveDebug() async throws {
        let logs = LogCapture()
        let h = try OutboxHarness(logs: logs)
        defer { h.close() }
        let recipient = "Alice.Secret@example.org"
        let id = try await h.enqueue([recipient])[0]
        // A relay whose reply quotes the address: the transport can hand the outbox only the codes.
        let reply = "550 5.1.1 <\(recipient)>: Recipient address rejected: User unknown in virtual mailbox table"
        h.relay.failWith(SimulatedRelay.failure(forReply: reply))
        let round = await h.outbox().deliverDue()
        #expect(round.deferred == 1)
        let row = try #require(try await h.store.mail(id: id))
        #expect(row.lastError == "550 5.1.1")
        for field in [row.lastError ?? "", row.subject, "\(row.nextAttemptAt)", "\(row.createdAt)"] {
            #expect(!field.lowercased().contains("alice.secret"))
        }
        let loud = logs.lines(at: .info)
        #expect(!loud.isEmpty)
        for line in loud {
            #expect(!line.text.lowercased().contains("alice.secret"), "\(line.level): \(line.text)")
        }
        #expect(loud.contains { $0.metadata["recipientHash"] == Outbox.recipientHash(recipient) })
        #expect(Outbox.recipientHash(recipient).count == 12)
        // The address is there at debug level (so the capture does see it).
        #expect(logs.lines(at: .trace).contains { $0.text.contains(recipient) })
    }

    @Test func transportFailuresCarryOnlyCodesAndFixedPhrases() {
        #expect(OutboxTransportFailure.reply(code: 550, enhancedStatus: (5, 1, 1)).reason == "550 5.1.1")
        #expect(OutboxTransportFailure.reply(code: 451, enhancedStatus: nil).reason == "451")
        #expect(OutboxTransportFailure.reply(code: 451, enhancedStatus: (4, 1000, 1)).reason == "451")
        #expect(OutboxTransportFailure.reply(code: 451, enhancedStatus: nil).transient)
        #expect(!OutboxTransportFailure.reply(code: 550, enhancedStatus: nil).transient)
        #expect(OutboxTransportFailure.connectionFailed.reason == "connection failed")
        #expect(OutboxTransportFailure.tlsFailed.reason == "TLS failed")
        #expect(!OutboxTransportFailure.addressUnusable.transient)
    }

    // MARK: two servers, one database

    /// Four races of 200 messages, each on a fresh file with a small batch, so that the claims interleave often.
    @Test func twoOutboxesOnOneDatabaseSendEachMessageOnce() async throws {
        for _ in 0..<4 {
            let h = try OutboxHarness()
            defer { h.close() }
            let ids = try await h.enqueue(200)
            let second = try SQLiteStore(path: h.path)
            var policy = OutboxPolicy()
            policy.batchSize = 5
            let relay = h.relay
            relay.yieldPerSend = true
            let clock = h.clock
            let a = Outbox(store: h.sqlite, transport: relay.named("a"), logger: h.logger, policy: policy, now: { clock.now })
            let b = Outbox(store: second, transport: relay.named("b"), logger: h.logger, policy: policy, now: { clock.now })
            async let doneA = drain(a, store: h.sqlite)
            async let doneB = drain(b, store: second)
            let (roundsA, roundsB) = try await (doneA, doneB)
            #expect(ids.count == 200)
            #expect(ids.allSatisfy { relay.sends($0) == 1 })
            #expect(relay.total == 200)
            #expect(relay.sends(by: "a") + relay.sends(by: "b") == 200)
            #expect(relay.sends(by: "a") > 0 && relay.sends(by: "b") > 0)
            #expect(roundsA > 1 && roundsB > 1)
            #expect(try await h.sqlite.dueMail(at: .distantFuture, limit: 1000).isEmpty)
        }
    }

    private func drain(_ outbox: Outbox, store: SQLiteStore) async throws -> Int {
        var rounds = 0
        while true {
            let round = await outbox.deliverDue()
            #expect(!round.storeFailed)
            rounds += 1
            if round.claimed == 0, try await store.dueMail(at: .distantFuture, limit: 1).isEmpty { return rounds }
            await Task.yield()
        }
    }

    // MARK: migration

    @Test func anOutboxTableFromBeforeTheLeaseMigrationGetsItsColumn() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        // The schema of v2-keyserver's vks_outbox, recorded as migrated up to v3.
        try runTool("sqlite3", [path, """
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations VALUES ('v1'), ('v2-keyserver'), ('v3-mtasts-cache');
            CREATE TABLE vks_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, recipient TEXT NOT NULL, subject TEXT NOT NULL,
              body TEXT NOT NULL, createdAt DATETIME NOT NULL, attempts INTEGER NOT NULL, nextAttemptAt DATETIME NOT NULL,
              lastError TEXT);
            INSERT INTO vks_outbox (recipient, subject, body, createdAt, attempts, nextAttemptAt, lastError)
              VALUES ('old@example.org', 'Verify', 'body', '2025-01-01 00:00:00.000', 2, '2025-01-01 00:10:00.000', '451');
            """])
        let store = try SQLiteStore(path: path)
        let old = try #require(try await store.dueMail(at: .distantFuture, limit: 10).first)
        #expect(old.recipient == "old@example.org" && old.attempts == 2 && old.deadAt == nil)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let claimed = try await store.claimMail(at: now, leaseUntil: now.addingTimeInterval(900), limit: 10)
        #expect(claimed.map(\.attempts) == [3])
        #expect(try await store.claimMail(at: now, leaseUntil: now.addingTimeInterval(900), limit: 10).isEmpty)
    }
}

// MARK: - Test doubles

/// An outbox on a fresh SQLite database behind a store that fails on purpose, a recording relay and a settable clock.
final class OutboxHarness: Sendable {
    let path = temporaryDatabasePath()
    let sqlite: SQLiteStore
    let store: FailingStore
    let relay = SimulatedRelay()
    let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
    let policy = OutboxPolicy()
    let logger: Logger

    init(logs: LogCapture? = nil) throws {
        sqlite = try SQLiteStore(path: path)
        store = FailingStore(sqlite)
        var logger = Logger(label: "outbox-test") { _ in
            if let logs { CapturingLogHandler(logs) } else { SwiftLogNoOpLogHandler() }
        }
        logger.logLevel = .trace
        self.logger = logger
    }

    func close() { removeDatabase(path) }

    func outbox() -> Outbox {
        let clock = self.clock
        return Outbox(store: store, transport: relay, logger: logger, policy: policy, now: { clock.now })
    }

    /// Queues `count` messages due now; returns their ids.
    @discardableResult
    func enqueue(_ count: Int) async throws -> [Int64] {
        try await enqueue((0..<count).map { "user\($0)@example.org" })
    }

    func enqueue(_ recipients: [String]) async throws -> [Int64] {
        var change = KeyServerChange()
        change.mail = recipients.map {
            OutgoingMailRecord(recipient: $0, subject: "Verify", body: "https://keys.example.test/verify/token", createdAt: clock.now,
                               nextAttemptAt: clock.now)
        }
        try await sqlite.commit(change)
        return try await sqlite.dueMail(at: .distantFuture, limit: 10_000).compactMap(\.id)
    }

    /// Runs the outbox's loop for `seconds` of simulated time: each pause moves the clock. Returns the pauses.
    func run(for seconds: TimeInterval) async -> [Duration] {
        let clock = self.clock
        let end = clock.now.addingTimeInterval(seconds)
        let pauses = Mutex<[Duration]>([])
        await outbox().run { pause in
            pauses.withLock { $0.append(pause) }
            let (whole, attoseconds) = pause.components
            clock.advance(TimeInterval(whole) + TimeInterval(attoseconds) / 1e18)
            if clock.now > end { throw CancellationError() }
        }
        return pauses.withLock { $0 }
    }
}

/// A relay that records every message handed to it (by message id and by outbox) and fails as told.
final class SimulatedRelay: OutboxTransport {
    private struct State {
        var sends: [Int64: Int] = [:]
        var byName: [String: Int] = [:]
        var failure: OutboxTransportFailure?
        var yieldPerSend = false
    }

    private let state = Mutex(State())
    let name: String
    private let shared: SimulatedRelay?

    init() {
        name = ""
        shared = nil
    }

    private init(name: String, shared: SimulatedRelay) {
        self.name = name
        self.shared = shared
    }

    /// The same records, counted also under `name`.
    func named(_ name: String) -> SimulatedRelay { SimulatedRelay(name: name, shared: self) }

    var yieldPerSend: Bool {
        get { state.withLock { $0.yieldPerSend } }
        set { state.withLock { $0.yieldPerSend = newValue } }
    }

    func failWith(_ failure: OutboxTransportFailure?) { state.withLock { $0.failure = failure } }

    func sends(_ id: Int64) -> Int { (shared ?? self).state.withLock { $0.sends[id] ?? 0 } }
    func sends(by name: String) -> Int { (shared ?? self).state.withLock { $0.byName[name] ?? 0 } }
    var total: Int { (shared ?? self).state.withLock { $0.sends.values.reduce(0, +) } }

    func send(_ mail: OutgoingMailRecord) async throws(OutboxTransportFailure) {
        let root = shared ?? self
        let (failure, yield) = root.state.withLock { state in
            state.sends[mail.id ?? -1, default: 0] += 1
            state.byName[name, default: 0] += 1
            return (state.failure, state.yieldPerSend)
        }
        if yield { await Task.yield() }
        if let failure { throw failure }
    }

    /// What a transport can make of a negative reply: its code and enhanced status code, nothing of its text.
    static func failure(forReply line: String) -> OutboxTransportFailure {
        let parts = line.split(separator: " ", maxSplits: 2)
        let status = parts.count > 1 ? parts[1].split(separator: ".").compactMap { Int($0) } : []
        return .reply(code: Int(parts[0]) ?? 0, enhancedStatus: status.count == 3 ? (status[0], status[1], status[2]) : nil)
    }
}

/// The SQLite store with failures on demand: each counter says how many of the next calls of that kind fail.
final class FailingStore: KeyServerStore {
    struct Counts: Sendable {
        var claim = 0
        var delete = 0
        var deferMail = 0
        var markDead = 0
    }

    let base: SQLiteStore
    /// Calls still to fail, per kind.
    let failures = Mutex(Counts())
    /// Calls made, per kind (failed or not).
    let calls = Mutex(Counts())

    init(_ base: SQLiteStore) { self.base = base }

    private func check(_ kind: WritableKeyPath<Counts, Int>) throws(StoreError) {
        calls.withLock { $0[keyPath: kind] += 1 }
        let fail = failures.withLock { counts in
            guard counts[keyPath: kind] > 0 else { return false }
            counts[keyPath: kind] -= 1
            return true
        }
        if fail { throw StoreError.database("injected failure") }
    }

    func claimMail(at time: Date, leaseUntil: Date, limit: Int) async throws(StoreError) -> [OutgoingMailRecord] {
        try check(\.claim)
        return try await base.claimMail(at: time, leaseUntil: leaseUntil, limit: limit)
    }

    func deleteMail(id: Int64) async throws(StoreError) {
        try check(\.delete)
        try await base.deleteMail(id: id)
    }

    func deferMail(id: Int64, attempt: Int, error: String, nextAttemptAt: Date) async throws(StoreError) -> Bool {
        try check(\.deferMail)
        return try await base.deferMail(id: id, attempt: attempt, error: error, nextAttemptAt: nextAttemptAt)
    }

    func markMailDead(id: Int64, attempt: Int, error: String, at time: Date) async throws(StoreError) -> Bool {
        try check(\.markDead)
        return try await base.markMailDead(id: id, attempt: attempt, error: error, at: time)
    }

    func dueMail(at time: Date, limit: Int) async throws(StoreError) -> [OutgoingMailRecord] {
        try await base.dueMail(at: time, limit: limit)
    }

    func mail(id: Int64) async throws(StoreError) -> OutgoingMailRecord? { try await base.mail(id: id) }

    func outboxDepth() async throws(StoreError) -> OutboxDepth { try await base.outboxDepth() }

    func publishedKey(fingerprint: String) async throws(StoreError) -> PublishedKeyRecord? {
        try await base.publishedKey(fingerprint: fingerprint)
    }

    func publishedKeys(lookupID: String) async throws(StoreError) -> [PublishedKeyRecord] {
        try await base.publishedKeys(lookupID: lookupID)
    }

    func publishedAddress(_ address: String) async throws(StoreError) -> PublishedAddressRecord? {
        try await base.publishedAddress(address)
    }

    func publishedAddresses(fingerprint: String) async throws(StoreError) -> [PublishedAddressRecord] {
        try await base.publishedAddresses(fingerprint: fingerprint)
    }

    func stagedUpload(fingerprint: String) async throws(StoreError) -> StagedUploadRecord? {
        try await base.stagedUpload(fingerprint: fingerprint)
    }

    func token(hash: String) async throws(StoreError) -> KeyServerTokenRecord? { try await base.token(hash: hash) }

    func tokens(address: String, purpose: KeyServerTokenPurpose, since: Date) async throws(StoreError) -> [KeyServerTokenRecord] {
        try await base.tokens(address: address, purpose: purpose, since: since)
    }

    func commit(_ change: KeyServerChange) async throws(StoreError) { try await base.commit(change) }

    func purgeExpired(before time: Date) async throws(StoreError) -> Int { try await base.purgeExpired(before: time) }
}

/// Log lines kept for inspection.
final class LogCapture: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
        /// The message and every metadata key and value.
        var text: String { ([message] + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ") }
    }

    private let store = Mutex<[Line]>([])

    func append(_ line: Line) { store.withLock { $0.append(line) } }

    /// Lines at `level` or above.
    func lines(at level: Logger.Level) -> [Line] { store.withLock { $0.filter { $0.level >= level } } }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(_ capture: LogCapture) { self.capture = capture }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.append(.init(level: event.level, message: event.message.description, metadata: all.mapValues { "\($0)" }))
    }
}
