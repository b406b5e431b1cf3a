/// Every error the `HTTPFetch` library throws, with a stable code and a reason for people.
///
/// Equality is on the code only, so `#expect(throws: HTTPFetchError.tls("", ""))` matches any TLS failure.
/// For ``status(_:_:body:)`` the HTTP status is also kept in ``statusCode`` (a caller such as WKD needs to tell 404
/// from other failures), and the start of the body in ``responseBody``.
public struct HTTPFetchError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case invalidURL
        case invalidRequest
        case invalidTrustRoots
        case resolution
        case connection
        case tls
        case timeout
        case status
        case redirect
        case bodyTooLarge
        case contentType
        case malformedResponse
        case cancelled
    }

    /// The code as a stable word (`resolution`, `tls`, `timeout`, `status`, …), for metrics and logs.
    public var category: String { String(describing: code) }

    private let code: Code
    /// What went wrong, for people.
    public let reason: String
    /// The HTTP status of a ``status(_:_:body:)`` error (RFC 9110 §15); `nil` for every other error.
    public let statusCode: Int?
    /// The first bytes (at most 4 KiB) of the body of a ``status(_:_:body:)`` error, where APIs explain a refusal
    /// (e.g. VKS's `{"error": …}`); empty for every other error.
    public let responseBody: [UInt8]

    private init(_ code: Code, _ reason: String, statusCode: Int? = nil, responseBody: [UInt8] = []) {
        self.code = code
        self.reason = reason
        self.statusCode = statusCode
        self.responseBody = responseBody
    }

    public var description: String { reason }
    public static func == (lhs: HTTPFetchError, rhs: HTTPFetchError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Not an `https` URL with a host name (RFC 9110 §4.2.2), or a host that is not a DNS name.
    public static func invalidURL(_ url: String) -> HTTPFetchError { .init(.invalidURL, "not an https URL with a host: \(url)") }
    /// A request this library will not send: a body over ``HTTPFetcher/maximumRequestBodySize`` or a content type
    /// that is not a media type (RFC 9110 §8.3.1).
    public static func invalidRequest(_ detail: String) -> HTTPFetchError { .init(.invalidRequest, "request refused: \(detail)") }
    /// A trust-root file that cannot be read as PEM certificates, or a TLS configuration NIOSSL refuses.
    public static func invalidTrustRoots(_ detail: String) -> HTTPFetchError { .init(.invalidTrustRoots, "unusable trust roots: \(detail)") }
    /// The host has no address: NXDOMAIN, no A/AAAA records, a failed (e.g. DNSSEC-bogus) answer, or no DNS answer.
    public static func resolution(_ host: String, _ detail: String) -> HTTPFetchError { .init(.resolution, "cannot resolve \(host): \(detail)") }
    /// No address of the host accepted a TCP connection, or the connection broke.
    public static func connection(_ host: String, _ detail: String) -> HTTPFetchError { .init(.connection, "cannot connect to \(host): \(detail)") }
    /// The TLS handshake failed: untrusted, expired or wrong-host certificate (RFC 9110 §4.3.4), or a protocol error.
    public static func tls(_ host: String, _ detail: String) -> HTTPFetchError { .init(.tls, "TLS with \(host) failed: \(detail)") }
    /// The fetch, redirects included, took longer than the policy allows.
    public static func timeout(_ url: String) -> HTTPFetchError { .init(.timeout, "timed out fetching \(url)") }
    /// The final response was not 200 OK; `body` is the start of its body.
    public static func status(_ code: Int, _ url: String, body: [UInt8] = []) -> HTTPFetchError {
        .init(.status, "HTTP status \(code) from \(url)", statusCode: code, responseBody: body)
    }
    /// A redirect the policy does not allow: any under `.none`, a non-https target, or too many.
    public static func redirect(_ detail: String) -> HTTPFetchError { .init(.redirect, "redirect refused: \(detail)") }
    /// The body (announced or received) is longer than the policy's cap.
    public static func bodyTooLarge(_ limit: Int) -> HTTPFetchError { .init(.bodyTooLarge, "response body larger than \(limit) bytes") }
    /// The response's media type is not the one required.
    public static func contentType(_ found: String, expected: String) -> HTTPFetchError {
        .init(.contentType, "content type \(found) where \(expected) was required")
    }
    /// The response is not valid HTTP/1.1 (RFC 9112), or ended early.
    public static func malformedResponse(_ detail: String) -> HTTPFetchError { .init(.malformedResponse, "malformed HTTP response: \(detail)") }
    /// The calling task was cancelled.
    public static func cancelled(_ url: String) -> HTTPFetchError { .init(.cancelled, "cancelled fetching \(url)") }
}
