public import Foundation

/// When the outbox sends, retries and gives up.
///
/// The lease must outlast a whole send. The `SMTP` client has no total deadline, only per-step ones (RFC 5321
/// §4.5.3.2 defaults in `SMTPTimeouts`): connect 30 s per address, greeting 300 s, EHLO, STARTTLS, the handshake,
/// EHLO again, AUTH, MAIL and RCPT 300 s each, DATA 120 s, the message 780 s, QUIT 300 s: about 61 minutes at worst.
/// So the outbox bounds each send itself with ``sendTimeout`` (10 minutes; the client closes its connection when
/// cancelled), and the lease (15 minutes) leaves 5 minutes beyond it for a TCP connect that ignores cancellation
/// (30 s) and the store write that removes the message.
public struct OutboxPolicy: Sendable, Hashable {
    /// Messages claimed per round.
    public var batchSize = 50
    /// The pause between rounds while the store works.
    public var pollInterval: Duration = .milliseconds(500)
    /// The pause after a round in which the store failed, doubling with each such round in a row…
    public var storeRetryFirst: Duration = .seconds(1)
    /// …up to this.
    public var storeRetryMax: Duration = .seconds(300)
    /// A send still running after this is cancelled and counts as a transient failure.
    public var sendTimeout: Duration = .seconds(600)
    /// How long a claim holds a message: no other claim returns it before the lease ends.
    public var lease: TimeInterval = 900
    /// After this many claimed attempts a failing message is kept as dead and never sent again (20: with the
    /// transient backoff about 13 hours of retrying; with permanent failures, 20 days).
    public var maxAttempts = 20
    /// The wait after the first transient failure, doubling with each attempt…
    public var transientRetryFirst: TimeInterval = 30
    /// …up to this.
    public var transientRetryMax: TimeInterval = 3600
    /// The wait after a permanent failure (5yz): a day, in case the relay's operator changes something.
    public var permanentRetry: TimeInterval = 86_400
    /// How often expired tokens and staged uploads are purged.
    public var purgeInterval: TimeInterval = 600

    public init() {}

    /// The wait before the next attempt after attempt number `attempt` (1 for the first) failed.
    public func retryDelay(afterAttempt attempt: Int, transient: Bool) -> TimeInterval {
        guard transient else { return permanentRetry }
        let doublings = min(max(attempt - 1, 0), 32)
        return min(transientRetryFirst * pow(2, Double(doublings)), transientRetryMax)
    }

    /// The pause before the next round after `failures` rounds in a row in which the store failed (0: none).
    public func pause(afterStoreFailures failures: Int) -> Duration {
        guard failures > 0 else { return pollInterval }
        let doublings = min(failures - 1, 20)
        return min(storeRetryFirst * Int(1 << doublings), storeRetryMax)
    }
}
