public import Foundation

/// The TLS sessions this server's MTAs had with other domains (RFC 8460 §4: what a sending MTA reports), counted
/// per UTC day, recipient domain and policy, kept for the daily TLS reports and removed once reported.
///
/// Policies and failure details are kept as the opaque texts the `TLSRPT` library writes (canonical JSON), so equal
/// policies and equal failures count together.
public protocol TLSSessionStore: Sendable {
    /// Counts each session (one per policy of a delivery attempt) into its day.
    func recordTLSSessions(_ sessions: [TLSSessionRecord]) async throws(StoreError)
    /// The recipient domains with sessions on the UTC day starting at `day`, sorted.
    func tlsSessionDomains(day: Date) async throws(StoreError) -> [String]
    /// The counts of `domain` on `day`, one entry per policy in the order first seen, failures in the order first seen.
    func tlsSessionCounts(domain: String, day: Date) async throws(StoreError) -> [TLSPolicyCount]
    /// Takes the report of `domain` for `day`: `true` for the first caller only, so servers sharing the database send
    /// each report once.
    func claimTLSReport(domain: String, day: Date, at time: Date) async throws(StoreError) -> Bool
    /// Deletes the counts of `domain` (every domain when nil) of days before `time`, and claims a week older than
    /// that; returns how many policy counts went.
    @discardableResult
    func deleteTLSSessions(domain: String?, before time: Date) async throws(StoreError) -> Int
}

/// One session under one policy, as recorded.
public struct TLSSessionRecord: Sendable, Hashable {
    /// The start (00:00 UTC) of the day the session happened.
    public var day: Date
    /// The recipient domain: the policy domain the report goes to.
    public var domain: String
    /// The policy applied, as an opaque canonical text.
    public var policy: String
    /// Whether the session failed under the policy.
    public var failed: Bool
    /// The failure details, each an opaque canonical text.
    public var failures: [String]

    public init(day: Date, domain: String, policy: String, failed: Bool, failures: [String]) {
        self.day = day
        self.domain = domain
        self.policy = policy
        self.failed = failed
        self.failures = failures
    }
}

/// A day's counts for one policy of one domain.
public struct TLSPolicyCount: Sendable, Hashable {
    public var policy: String
    /// Every session under the policy.
    public var sessions: Int
    /// The sessions that failed.
    public var failedSessions: Int
    /// Each distinct failure detail with the number of times it was reported.
    public var failures: [TLSFailureCount]

    public init(policy: String, sessions: Int, failedSessions: Int, failures: [TLSFailureCount]) {
        self.policy = policy
        self.sessions = sessions
        self.failedSessions = failedSessions
        self.failures = failures
    }
}

/// One distinct failure detail and how often it occurred.
public struct TLSFailureCount: Sendable, Hashable {
    public var failure: String
    public var count: Int

    public init(failure: String, count: Int) {
        self.failure = failure
        self.count = count
    }
}
