import Foundation
import HTTPTypes
import Hummingbird
import KeyServer
import Logging
import OpenPGP
import VKS

/// The keys.openpgp.org VKS API v1 (https://keys.openpgp.org/about/api): lookups return armored
/// `application/pgp-keys`, uploads and verification requests JSON; errors are `{"error": "..."}`; every response
/// carries `Access-Control-Allow-Origin: *`. Keys found are kept as prepared answers in `answers`, which
/// ``HotRouteHandler`` serves without reaching this router.
struct VKSRoutes {
    let keyServer: KeyServer
    let limits: KeyServerLimits
    let answers: KeyAnswerCache

    func add(to router: Router<StockadeRequestContext>) {
        let vks = router.group("/vks/v1").add(middleware: ClientRateLimitMiddleware(limits: limits))
        vks.get("/by-fingerprint/:fingerprint") { request, context in
            let value = try context.parameters.require("fingerprint").uppercased()
            guard [40, 64].contains(value.count), value.utf8.allSatisfy(\.isHexDigit) else {
                throw VKSError(status: .badRequest, message: "a fingerprint is 40 or 64 hex digits, without 0x")
            }
            return try await lookup(request, .fingerprint(value), what: "fingerprint \(value)")
        }
        vks.get("/by-keyid/:keyid") { request, context in
            let value = try context.parameters.require("keyid").uppercased()
            guard value.count == 16, value.utf8.allSatisfy(\.isHexDigit) else {
                throw VKSError(status: .badRequest, message: "a key ID is 16 hex digits, without 0x")
            }
            return try await lookup(request, .keyID(value), what: "key ID \(value)")
        }
        vks.get("/by-email/:email") { request, context in
            let raw = try context.parameters.require("email")
            let email = raw.removingPercentEncoding ?? raw
            guard let key = HKPSearch.emailKey(email) else { throw VKSError(status: .badRequest, message: "not an email address: \(email)") }
            return try await lookup(request, .email(key), what: "address \(email)")
        }
        vks.post("/upload") { request, context in
            let body = try await decode(VKSUploadRequest.self, expected: #"{"keytext": "<armored key>"}"#, request, context)
            return try json(try await vksCall { () async throws(KeyServerError) in try await keyServer.upload(Array(body.keytext.utf8)) })
        }
        vks.post("/request-verify") { request, context in
            let body = try await decode(VKSVerifyRequest.self, expected: #"{"token": "<upload token>", "addresses": ["<address>", …]}"#, request, context)
            return try json(try await vksCall { () async throws(KeyServerError) in
                try await keyServer.requestVerify(token: body.token, addresses: body.addresses)
            })
        }
        for path in ["/upload", "/request-verify"] {
            vks.on(RouterPath(path), method: .options) { _, _ in
                Response(status: .noContent, headers: [.accessControlAllowOrigin: "*", .accessControlAllowMethods: "POST, OPTIONS",
                                                       .accessControlAllowHeaders: "Content-Type"])
            }
        }
    }

    /// The JSON body as `type`; a body that is not `expected` is refused with a sentence saying what is expected, never
    /// with the decoder's internals.
    func decode<T: Decodable>(_ type: T.Type, expected: String, _ request: Request, _ context: StockadeRequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: keyServer.configuration.maxUploadBytes * 2)
        } catch {
            throw VKSError(status: .contentTooLarge, message: "the request body exceeds \(keyServer.configuration.maxUploadBytes * 2) bytes")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw VKSError(status: .badRequest, message: "the body must be a JSON object \(expected)")
        }
    }
}

extension VKSRoutes {
    /// The armored keys `search` finds, kept or prepared and kept, or a 404 naming `what` was not found.
    func lookup(_ request: Request, _ search: HKPSearch, what: String) async throws -> Response {
        if let answer = answers.answer(for: request) { return answer.response }
        let ticket = answers.ticket()
        guard let found = try await keyServer.lookup(search) else { throw VKSError(status: .notFound, message: "no key found for \(what)") }
        let answer = KeyAnswer.armored(found)
        answers.store(answer, for: request, tags: KeyAnswer.tags(found, search: search), ticket: ticket)
        return answer.response
    }
}

/// ASCII armor for one or more published certificates (a CRC24 line unless a key is v6, RFC 9580 §6.1).
func armoredKeys(_ bytes: [UInt8]) -> String {
    let versions = (try? Certificate.readAll(bytes))?.map(\.primaryKey.version) ?? []
    return Armor.encode(bytes, kind: .publicKey, includeChecksum: !versions.contains(6))
}

func json(_ value: some Encodable) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return Response(status: .ok, headers: [.contentType: "application/json", .accessControlAllowOrigin: "*"],
                    body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}

/// Runs a key-server action, answering its refusal as a VKS error.
func vksCall<T>(_ body: () async throws(KeyServerError) -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw VKSError(status: error.httpStatus, message: error.publicReason, detail: error.kind == .unavailable ? error.reason : nil)
    }
}

extension KeyServerError {
    /// What an anonymous client is told: the reason of a refusal, but never the text of a storage failure.
    var publicReason: String {
        kind == .unavailable ? "the key server is temporarily unavailable; try again later" : reason
    }

    var httpStatus: HTTPResponse.Status {
        switch kind {
        case .badRequest: .badRequest
        case .notFound: .notFound
        case .tooLarge: .contentTooLarge
        case .unavailable: .serviceUnavailable
        }
    }
}

/// A VKS error: `{"error": message}` with CORS, and `Retry-After` for 429. A `detail` (why the server failed) is
/// logged, never sent.
struct VKSError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    var retryAfter: Int?
    var detail: String?

    init(status: HTTPResponse.Status, message: String, retryAfter: Int? = nil, detail: String? = nil) {
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
        self.detail = detail
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        if let detail { context.logger.error("key server unavailable", metadata: ["reason": "\(detail)"]) }
        var headers: HTTPFields = [.contentType: "application/json", .accessControlAllowOrigin: "*"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(VKSErrorResponse(error: message)))))
    }
}
