import Foundation
import HTTPTypes
import Hummingbird
import Reports
import TLSRPT

/// The HTTPS endpoint of `rua=https:` (RFC 8460 §5.3): `POST` with `application/tlsrpt+gzip` or
/// `application/tlsrpt+json`; 201 when stored, 200 when already stored, 4xx with `{"error": reason}` otherwise;
/// bodies beyond ``Report/maximumSize`` get 413 before they are read whole, and each client address has an hourly
/// upload allowance (429 with `Retry-After`), counted per forwarded client behind ``trustedProxies``.
struct ReportUploadRoutes {
    let inbox: ReportInbox
    let path: String
    let limiter: RateLimiter
    let trustedProxies: TrustedProxies

    func add(to router: Router<StockadeRequestContext>) {
        router.post(RouterPath(path)) { request, context in
            let peer = context.remoteAddress?.ipAddress.flatMap { ClientAddress(Substring($0)) }
            let key = ClientAddress.of(peer: peer, headers: request.headers, trusting: trustedProxies)?.limitKey ?? "unknown"
            if let wait = limiter.admit(key) {
                throw UploadRefusal(status: .tooManyRequests, message: "too many reports from your address; retry in \(wait) s", retryAfter: wait)
            }
            if let length = request.headers[.contentLength].flatMap(Int.init), length > Report.maximumSize {
                throw UploadRefusal(status: .contentTooLarge, message: "the report is larger than \(Report.maximumSize) octets")
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: Report.maximumSize)
            } catch {
                throw UploadRefusal(status: .contentTooLarge, message: "the report is larger than \(Report.maximumSize) octets")
            }
            let outcome = await inbox.receive(upload: Array(buffer: body), contentType: request.headers[.contentType])
            switch outcome.result {
            case .stored: return UploadResponse(status: .created, result: outcome.description)
            case .duplicate: return UploadResponse(status: .ok, result: outcome.description)
            case .rejected(let refusal):
                let status: HTTPResponse.Status = switch refusal.reason {
                case .tooLarge: .contentTooLarge
                case .unsupportedMediaType: .unsupportedMediaType
                case .notOurDomain: .unprocessableContent
                case .malformed: .badRequest
                }
                throw UploadRefusal(status: status, message: refusal.text)
            case .unavailable: throw UploadRefusal(status: .serviceUnavailable, message: outcome.description, retryAfter: 60)
            }
        }
    }
}

/// `{"result": "..."}` with a status.
struct UploadResponse: ResponseGenerator {
    let status: HTTPResponse.Status
    let result: String

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(["result": result])
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// `{"error": "..."}` with a 4xx/5xx status and, for 429 and 503, `Retry-After`.
struct UploadRefusal: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    var retryAfter: Int?

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let data = try JSONEncoder().encode(["error": message])
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
