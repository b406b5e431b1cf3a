/// A user name and password for AUTH PLAIN (RFC 4954 §4, RFC 4616).
public struct SMTPCredentials: Sendable, Hashable {
    public var username: String
    public var password: String
    /// Send the credentials over a connection without TLS. Off by default: RFC 4954 §14 warns that PLAIN exposes the
    /// password to anyone on the path.
    public var allowWithoutTLS: Bool

    public init(username: String, password: String, allowWithoutTLS: Bool = false) {
        self.username = username
        self.password = password
        self.allowWithoutTLS = allowWithoutTLS
    }
}
