/// How strict one fetch is: size cap, overall timeout, redirects, media type and port.
///
/// MTA-STS (RFC 8461 §3.3) and WKD (draft-koch-openpgp-webkey-service §3.1) both fetch one small document over
/// HTTPS from a host whose certificate must match exactly; they differ in redirects, caps and media type.
public struct FetchPolicy: Sendable, Hashable {
    /// Which redirects (RFC 9110 §15.4) are followed.
    public enum RedirectPolicy: Sendable, Hashable {
        /// None: a 3xx answer fails with ``HTTPFetchError/redirect(_:)`` (MTA-STS, RFC 8461 §3.3: "MUST NOT follow
        /// HTTP redirects").
        case none
        /// 301, 302, 303, 307 and 308 to `https` URLs only, at most `maximum` of them in one fetch.
        case httpsOnly(maximum: Int)
    }

    /// The most body bytes accepted; a larger announced `Content-Length` or a longer body fails at once.
    public var maximumBodySize: Int
    /// One limit for the whole fetch: resolution, connection, TLS handshake, response and every redirect.
    public var timeout: Duration
    public var redirects: RedirectPolicy
    /// The media type the response must have (e.g. `text/plain`), compared case-insensitively with parameters such as
    /// `charset` ignored (RFC 9110 §8.3.1); `nil` accepts any or none.
    public var requiredContentType: String?
    /// The port used when a URL names none (443; the lab may serve elsewhere).
    public var port: Int

    public init(maximumBodySize: Int, timeout: Duration, redirects: RedirectPolicy = .none,
                requiredContentType: String? = nil, port: Int = 443) {
        self.maximumBodySize = maximumBodySize
        self.timeout = timeout
        self.redirects = redirects
        self.requiredContentType = requiredContentType
        self.port = port
    }
}
