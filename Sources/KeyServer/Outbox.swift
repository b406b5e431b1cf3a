import Crypto
public import Foundation
public import Logging
import Metrics
public import Store
import Synchronization

/// Delivers the key server's outbox: claim, send, remove, so that a message is never sent by two servers at once and
/// a failing store or relay never makes the outbox send in a loop.
///
/// - A round claims up to ``OutboxPolicy/batchSize`` due messages with a lease (``KeyServerStore/claimMail(at:leaseUntil:limit:)``,
///   which counts the attempt): no other outbox sharing the database gets them until the lease ends.
/// - Each send is bounded by ``OutboxPolicy/sendTimeout``. When the relay accepts a message it is deleted (not marked:
///   its body holds a live token). If the delete fails, this outbox remembers the message, never sends it again and
///   retries the delete before its next claim; another server (or this one after a restart) can send it again only
///   after the lease, so a crash between the relay's acceptance and the delete costs at most one duplicate.
/// - A failed send is rescheduled: transient failures after 30 s doubling to 1 h, permanent ones (5yz) after a day.
///   The error stored and logged is an ``OutboxTransportFailure/reason``: an SMTP code or a fixed phrase, never relay text.
/// - After ``OutboxPolicy/maxAttempts`` claimed attempts (a crash mid-send counts too) a message is kept as dead:
///   never sent again, never deleted, logged once at error level. An operator finds it by its `deadAt`.
/// - A store failure in a round stretches the pause before the next one: 1 s doubling to 5 minutes, instead of the
///   500 ms poll.
///
/// Recipients are unverified addresses: log lines at info level and above carry only a keyed hash of the address
/// (the first 12 hex digits of HMAC-SHA256 under a random key made once per process, so lines of one process can be
/// matched to each other but not to an address), the address itself only at debug level.
public final class Outbox: Sendable {
    let store: any KeyServerStore
    let transport: any OutboxTransport
    let logger: Logger
    public let policy: OutboxPolicy
    let now: @Sendable () -> Date
    private let state = Mutex(State())

    private struct State {
        /// Messages the relay accepted whose delete failed; deleted before the next claim, never sent again here.
        var unremoved: Set<Int64> = []
        /// Rounds in a row in which the store failed.
        var storeFailures = 0
        var lastPurge: Date?
    }

    /// At most this many accepted-but-not-deleted messages are remembered; beyond, the lease alone protects them.
    static let unremovedLimit = 10_000

    /// - Parameters:
    ///   - store: the outbox table, shared by every server.
    ///   - transport: the relay.
    ///   - logger: info for each message sent, warning for each failed attempt, error for store failures and dead
    ///     messages.
    ///   - now: the clock for due times and leases.
    public init(store: any KeyServerStore, transport: any OutboxTransport, logger: Logger, policy: OutboxPolicy = OutboxPolicy(),
                now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.transport = transport
        self.logger = logger
        self.policy = policy
        self.now = now
    }

    /// Runs rounds until `sleep` throws (cancellation, graceful shutdown). Between rounds it sleeps
    /// ``OutboxPolicy/pause(afterStoreFailures:)``; every ``OutboxPolicy/purgeInterval`` it purges expired tokens
    /// and staged uploads.
    public func run(sleep: @Sendable (Duration) async throws -> Void) async {
        while !Task.isCancelled {
            let round = await deliverDue()
            await purgeIfDue()
            await measureDepth()
            let pause = state.withLock { state in
                state.storeFailures = round.storeFailed ? state.storeFailures + 1 : 0
                return policy.pause(afterStoreFailures: state.storeFailures)
            }
            do {
                try await sleep(pause)
            } catch {
                return
            }
        }
    }

    /// Sets `stockade_outbox_messages{state="queued|dead"}` from the store (left as it was when the store fails).
    func measureDepth() async {
        guard let depth = try? await store.outboxDepth() else { return }
        Gauge(label: "stockade_outbox_messages", dimensions: [("state", "queued")]).record(depth.queued)
        Gauge(label: "stockade_outbox_messages", dimensions: [("state", "dead")]).record(depth.dead)
    }

    /// One round: deletes messages sent earlier whose delete failed, then claims due messages and sends each once.
    @discardableResult
    public func deliverDue() async -> OutboxRound {
        var round = OutboxRound()
        await deleteUnremoved(&round)
        let time = now()
        let claimed: [OutgoingMailRecord]
        do {
            claimed = try await store.claimMail(at: time, leaseUntil: time.addingTimeInterval(policy.lease), limit: policy.batchSize)
        } catch {
            logger.error("the outbox could not claim messages", metadata: ["error": "\(error)"])
            round.storeFailed = true
            return round
        }
        round.claimed = claimed.count
        for mail in claimed {
            guard let id = mail.id else { continue }
            await deliver(mail, id: id, round: &round)
        }
        return round
    }

    private func deliver(_ mail: OutgoingMailRecord, id: Int64, round: inout OutboxRound) async {
        let metadata: Logger.Metadata = ["id": "\(id)", "recipientHash": "\(Self.recipientHash(mail.recipient))",
                                         "attempt": "\(mail.attempts)"]
        logger.debug("outbox message claimed", metadata: metadata.merging(["recipient": "\(mail.recipient)"]) { $1 })
        if state.withLock({ $0.unremoved.contains(id) }) {
            // Sent by this process; its delete failed and the lease has run out. Delete it, never send it again.
            await delete(id, metadata: metadata, round: &round)
            return
        }
        if mail.attempts > policy.maxAttempts {
            // The last allowed attempt ended without a verdict (a crash, or marking it dead failed).
            await giveUp(mail, id: id, error: mail.lastError ?? "attempt limit reached", metadata: metadata, round: &round)
            return
        }
        switch await send(mail) {
        case .success:
            round.sent += 1
            if now() > mail.nextAttemptAt {
                logger.warning("a message was sent after its lease ended; another server may have sent it too", metadata: metadata)
            }
            state.withLock { state in
                if state.unremoved.count < Self.unremovedLimit { state.unremoved.insert(id) }
            }
            logger.info("mail sent", metadata: metadata)
            await delete(id, metadata: metadata, round: &round)
        case .failure(let failure):
            if mail.attempts >= policy.maxAttempts {
                await giveUp(mail, id: id, error: failure.reason, metadata: metadata, round: &round)
            } else {
                await reschedule(mail, id: id, failure: failure, metadata: metadata, round: &round)
            }
        }
    }

    /// Deletes the messages this process sent whose delete failed; stops at the first failure.
    private func deleteUnremoved(_ round: inout OutboxRound) async {
        for id in state.withLock({ $0.unremoved.sorted() }) {
            guard await delete(id, metadata: ["id": "\(id)"], round: &round) else { return }
        }
    }

    @discardableResult
    private func delete(_ id: Int64, metadata: Logger.Metadata, round: inout OutboxRound) async -> Bool {
        do {
            try await store.deleteMail(id: id)
            state.withLock { _ = $0.unremoved.remove(id) }
            return true
        } catch {
            round.storeFailed = true
            logger.error("the relay accepted a message but deleting it from the outbox failed; this server retries the delete and does not send it again, another server can send it again only after its lease",
                         metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return false
        }
    }

    private func reschedule(_ mail: OutgoingMailRecord, id: Int64, failure: OutboxTransportFailure, metadata: Logger.Metadata,
                            round: inout OutboxRound) async {
        let delay = policy.retryDelay(afterAttempt: mail.attempts, transient: failure.transient)
        var metadata = metadata
        metadata["reason"] = "\(failure.reason)"
        metadata["transient"] = "\(failure.transient)"
        metadata["retryIn"] = "\(Int(delay))"
        logger.warning("mail not sent", metadata: metadata)
        do {
            if try await store.deferMail(id: id, attempt: mail.attempts, error: failure.reason,
                                         nextAttemptAt: now().addingTimeInterval(delay)) {
                round.deferred += 1
            } else {
                logger.debug("a failed message was claimed again or removed meanwhile", metadata: metadata)
            }
        } catch {
            round.storeFailed = true
            metadata["error"] = "\(error)"
            metadata["leaseUntil"] = "\(mail.nextAttemptAt)"
            logger.error("the outbox could not reschedule a failed message; its lease holds it until then", metadata: metadata)
        }
    }

    private func giveUp(_ mail: OutgoingMailRecord, id: Int64, error: String, metadata: Logger.Metadata, round: inout OutboxRound) async {
        var metadata = metadata
        metadata["reason"] = "\(error)"
        do {
            if try await store.markMailDead(id: id, attempt: mail.attempts, error: error, at: now()) {
                round.dead += 1
                logger.error("the outbox gave up on a message after its last allowed attempt; it is kept as dead and not sent again",
                             metadata: metadata)
            }
        } catch {
            round.storeFailed = true
            metadata["error"] = "\(error)"
            logger.error("the outbox could not mark a message dead; its lease holds it until then", metadata: metadata)
        }
    }

    private enum SendOutcome: Sendable {
        case sent
        case failed(OutboxTransportFailure)
        case deadline
        case timerStopped
    }

    /// Sends with ``OutboxPolicy/sendTimeout``: when it passes, the send is cancelled and its own outcome awaited (a
    /// message the relay accepted in the meantime counts as sent).
    private func send(_ mail: OutgoingMailRecord) async -> Result<Void, OutboxTransportFailure> {
        let transport = self.transport
        let timeout = policy.sendTimeout
        return await withTaskGroup(of: SendOutcome.self) { group in
            group.addTask {
                do throws(OutboxTransportFailure) {
                    try await transport.send(mail)
                    return .sent
                } catch {
                    return .failed(error)
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                    return .deadline
                } catch {
                    return .timerStopped
                }
            }
            var deadlinePassed = false
            while let outcome = await group.next() {
                switch outcome {
                case .sent:
                    group.cancelAll()
                    return .success(())
                case .failed(let failure):
                    group.cancelAll()
                    return .failure(deadlinePassed ? .timedOut : failure)
                case .deadline:
                    deadlinePassed = true
                    group.cancelAll()
                case .timerStopped:
                    continue
                }
            }
            return .failure(.failed)
        }
    }

    private func purgeIfDue() async {
        let time = now()
        let due = state.withLock { state in
            guard state.lastPurge.map({ time.timeIntervalSince($0) >= policy.purgeInterval }) ?? true else { return false }
            state.lastPurge = time
            return true
        }
        guard due else { return }
        do {
            try await store.purgeExpired(before: time)
        } catch {
            logger.error("purging expired key-server rows failed", metadata: ["error": "\(error)"])
        }
    }

    /// A random key made once per process for ``recipientHash(_:)``.
    private static let recipientHashKey: [UInt8] = {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }()

    /// The first 12 hex digits of HMAC-SHA256 of `address` under this process's random key: what log lines at info
    /// level and above say instead of the address.
    public static func recipientHash(_ address: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(address.utf8), using: SymmetricKey(data: recipientHashKey))
        return mac.prefix(6).map { String(format: "%02x", $0) }.joined()
    }
}

/// What one ``Outbox/deliverDue()`` round did.
public struct OutboxRound: Sendable, Hashable {
    /// Messages claimed.
    public var claimed = 0
    /// Messages the relay accepted (deleted from the outbox or, if that failed, remembered for deletion).
    public var sent = 0
    /// Messages rescheduled after a failed attempt.
    public var deferred = 0
    /// Messages that reached the attempt limit and are now kept as dead.
    public var dead = 0
    /// A store call failed: the loop waits longer before the next round.
    public var storeFailed = false

    public init() {}
}
