import Foundation
import Logging
import ServiceLifecycle
import Store

/// Sends one queued message; throws ``MailTransportFailure`` saying whether a retry can help.
protocol MailTransport: Sendable {
    func send(_ mail: OutgoingMailRecord) async throws(MailTransportFailure)
}

/// Why a message was not sent.
struct MailTransportFailure: Error, Sendable {
    /// A later attempt may succeed (4xx replies, connection failures, timeouts).
    let transient: Bool
    let reason: String
}

/// Delivers the outbox: every message stays stored until the relay accepted it. A transient failure is retried with
/// exponential backoff (30 s doubling to 1 h); a permanent one is kept with its error and retried daily, so nothing
/// is ever dropped silently. Also purges expired tokens and staged uploads every 10 minutes.
struct MailOutbox: Service {
    let store: any KeyServerStore
    let transport: any MailTransport
    let logger: Logger
    var pollInterval: Duration = .milliseconds(500)
    var now: @Sendable () -> Date = Date.init

    func run() async throws {
        var lastPurge = Date.distantPast
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await deliverDue()
            if now().timeIntervalSince(lastPurge) > 600 {
                lastPurge = now()
                do {
                    try await store.purgeExpired(before: now())
                } catch {
                    logger.error("purging expired key-server rows failed", metadata: ["error": "\(error)"])
                }
            }
            try? await gracefulShutdownSleep(pollInterval)
        }
    }

    /// Sends every due message once; returns how many were sent.
    @discardableResult
    func deliverDue() async -> Int {
        let due: [OutgoingMailRecord]
        do {
            due = try await store.dueMail(at: now(), limit: 50)
        } catch {
            logger.error("reading the outbox failed", metadata: ["error": "\(error)"])
            return 0
        }
        var sent = 0
        for mail in due {
            guard let id = mail.id else { continue }
            do {
                try await transport.send(mail)
                try await store.deleteMail(id: id)
                sent += 1
                logger.info("mail sent", metadata: ["to": "\(mail.recipient)", "id": "\(id)"])
            } catch let failure as MailTransportFailure {
                let delay = failure.transient ? min(30 * pow(2, Double(mail.attempts)), 3600) : 86_400
                logger.warning("mail not sent", metadata: ["to": "\(mail.recipient)", "id": "\(id)", "reason": "\(failure.reason)",
                                                           "transient": "\(failure.transient)", "retryIn": "\(Int(delay))"])
                try? await store.deferMail(id: id, error: failure.reason, nextAttemptAt: now().addingTimeInterval(delay))
            } catch {
                logger.error("the outbox could not record a delivery", metadata: ["id": "\(id)", "error": "\(error)"])
            }
        }
        return sent
    }
}

private func gracefulShutdownSleep(_ duration: Duration) async throws {
    try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
}
