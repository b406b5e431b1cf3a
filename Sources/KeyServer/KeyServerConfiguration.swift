public import struct Foundation.TimeInterval

/// The key server's limits and lifetimes.
public struct KeyServerConfiguration: Sendable, Hashable {
    /// Where mailed links point, e.g. `https://keys.example.org` (no trailing slash).
    public var baseURL: String
    /// The sender of verification and manage mails.
    public var mailFrom: String
    /// How long an upload token (and the staged copy of the upload) lives: one hour.
    public var uploadTokenLifetime: TimeInterval = 3600
    /// How long a verification link stays valid.
    public var verificationLifetime: TimeInterval = 86_400
    /// How long a manage link stays valid.
    public var manageLifetime: TimeInterval = 86_400
    /// At most one verification (or manage) mail per address in this interval: one hour.
    public var mailInterval: TimeInterval = 3600
    /// Uploads above this size are refused: 1 MiB.
    public var maxUploadBytes = 1 << 20

    public init(baseURL: String, mailFrom: String) {
        self.baseURL = baseURL
        self.mailFrom = mailFrom
    }
}
