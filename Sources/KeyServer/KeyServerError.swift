/// Why the key server refused a request. Each case maps to one HTTP status in the server.
public struct KeyServerError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Malformed or unacceptable input (400).
        case badRequest
        /// No such key, address or token (404).
        case notFound
        /// Larger than the upload limit (413).
        case tooLarge
        /// The store failed (503); nothing was changed.
        case unavailable
    }

    public let kind: Kind
    public let reason: String

    init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { reason }
    public static func == (lhs: KeyServerError, rhs: KeyServerError) -> Bool { lhs.kind == rhs.kind && lhs.reason == rhs.reason }
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }

    static func badRequest(_ reason: String) -> KeyServerError { .init(.badRequest, reason) }
    static func notFound(_ reason: String) -> KeyServerError { .init(.notFound, reason) }
    static let tokenInvalid = KeyServerError(.badRequest, "the token is invalid or has expired; upload the key again")
    static let linkInvalid = KeyServerError(.notFound, "this link is invalid, was already used, or has expired")
}
