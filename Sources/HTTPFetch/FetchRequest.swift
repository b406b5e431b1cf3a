import NIOHTTP1

/// What one request sends besides its URL: the method and, for POST, the body and its media type.
struct FetchRequest: Sendable, Equatable {
    var method: HTTPMethod
    var body: [UInt8]
    var contentType: String?

    static let get = FetchRequest(method: .GET, body: [], contentType: nil)

    /// The request to send after a redirect with `status` (RFC 9110 §15.4): 307 and 308 repeat the method and body;
    /// 301, 302 and 303 continue with a GET without body (§15.4.2–§15.4.4, as user agents do).
    func redirected(by status: Int) -> FetchRequest {
        status == 307 || status == 308 ? self : .get
    }
}
