public import NIOCore

/// How long the milter server waits for the MTA and how many connections it holds at once.
public struct MilterServerLimits: Sendable, Equatable {
    /// Postfix keeps one milter connection per SMTP session and is silent on it while the client is: up to
    /// `smtpd_timeout` (300 s) between client commands. Twice that leaves a slow but live session alone.
    public static let defaultIdleTimeout: TimeAmount = .seconds(600)
    /// Postfix's `default_process_limit` is 100 smtpd processes, each with one connection per milter.
    public static let defaultMaxConnections = 1_000

    /// Time without a command from the MTA, including the time the filter takes (Postfix itself gives up on a
    /// silent milter after `milter_content_timeout`, 300 s).
    public var idleTimeout: TimeAmount
    /// Connections held at once; beyond it the listener stops accepting until one closes.
    public var maxConnections: Int

    public init(idleTimeout: TimeAmount = MilterServerLimits.defaultIdleTimeout,
                maxConnections: Int = MilterServerLimits.defaultMaxConnections) {
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}
