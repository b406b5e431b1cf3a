/// Every error `VKSClient` and `HKPClient` throw, with a stable code and a reason for people.
///
/// Equality is on the code only. A refusal by the server (``refused(_:_:message:)``) keeps the HTTP status in
/// ``statusCode`` and the server's `{"error": …}` text (keys.openpgp.org API v1) in ``serverMessage``.
public struct VKSClientError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case invalidBaseURL
        case invalidQuery
        case fetchFailed
        case refused
        case malformedResponse
    }

    private let code: Code
    /// What went wrong, for people.
    public let reason: String
    /// The HTTP status of a ``refused(_:_:message:)`` error (RFC 9110 §15); nil for every other error.
    public let statusCode: Int?
    /// The server's explanation of a refusal, from its `{"error": …}` body; nil when it gave none.
    public let serverMessage: String?

    private init(_ code: Code, _ reason: String, statusCode: Int? = nil, serverMessage: String? = nil) {
        self.code = code
        self.reason = reason
        self.statusCode = statusCode
        self.serverMessage = serverMessage
    }

    public var description: String { reason }
    public static func == (lhs: VKSClientError, rhs: VKSClientError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The key server's base URL is not an `https` URL with a host.
    public static func invalidBaseURL(_ url: String) -> VKSClientError { .init(.invalidBaseURL, "not an https base URL: \(url)") }
    /// The text is not a fingerprint, a 16-digit key ID or an email address.
    public static func invalidQuery(_ text: String) -> VKSClientError {
        .init(.invalidQuery, "\"\(text)\" is not a fingerprint, a 16-digit key ID or an email address")
    }
    /// The server could not be asked: DNS, connection, TLS, timeout, redirect or size problems.
    public static func fetchFailed(_ url: String, _ detail: String) -> VKSClientError { .init(.fetchFailed, "asking \(url) failed: \(detail)") }
    /// The server answered with an HTTP error status, and maybe its `{"error": …}` text.
    public static func refused(_ status: Int, _ url: String, message: String?) -> VKSClientError {
        .init(.refused, "\(url) answered \(status)\(message.map { ": \($0)" } ?? "")", statusCode: status, serverMessage: message)
    }
    /// The server answered 200 with a body that is not what the API promises.
    public static func malformedResponse(_ url: String, _ detail: String) -> VKSClientError {
        .init(.malformedResponse, "unexpected answer from \(url): \(detail)")
    }
}
