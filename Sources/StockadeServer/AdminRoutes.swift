import Crypto
import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Store

/// The admin API: the `stockade directory` operations over HTTP, behind a bearer token compared in constant time.
/// Every refusal is a JSON `{"error": "..."}` that says why.
struct AdminRoutes {
    let directory: Directory
    let token: String

    struct DomainBody: Decodable { let name: String; let kind: DomainKind? }
    struct AccountBody: Decodable { let id: String; let primaryAddress: String }
    struct AliasBody: Decodable { let address: String }
    struct AssociateBody: Decodable { let fingerprint: String }
    struct Done: ResponseEncodable { let result: String }

    func add(to router: Router<StockadeRequestContext>) {
        let admin = router.group("/admin/v1").add(middleware: BearerTokenMiddleware(token: token))
        admin.post("/domains") { request, context in
            let body = try await request.decode(as: DomainBody.self, context: context)
            let domain = try await run { () async throws(DirectoryError) in try await directory.addDomain(body.name, kind: body.kind ?? .provider) }
            return EditedResponse(status: .created, response: Done(result: "domain \(domain.name) added"))
        }
        admin.post("/accounts") { request, context in
            let body = try await request.decode(as: AccountBody.self, context: context)
            try await run { () async throws(DirectoryError) in _ = try await directory.createAccount(id: body.id, primaryAddress: body.primaryAddress) }
            return EditedResponse(status: .created, response: Done(result: "account \(body.id) created"))
        }
        admin.delete("/accounts/:id") { _, context in
            let id = try Self.parameter("id", context)
            try await run { () async throws(DirectoryError) in try await directory.closeAccount(id) }
            return Done(result: "account \(id) closed")
        }
        admin.post("/accounts/:id/aliases") { request, context in
            let id = try Self.parameter("id", context)
            let body = try await request.decode(as: AliasBody.self, context: context)
            let row = try await run { () async throws(DirectoryError) in try await directory.addAlias(body.address, to: id) }
            return EditedResponse(status: .created, response: Done(result: "alias \(row.display) belongs to \(id)"))
        }
        admin.delete("/aliases/:address") { _, context in
            let address = try Self.parameter("address", context)
            try await run { () async throws(DirectoryError) in try await directory.removeAlias(address) }
            return Done(result: "alias \(address) removed")
        }
        admin.post("/accounts/:id/keys") { request, context in
            let id = try Self.parameter("id", context)
            let buffer = try await request.body.collect(upTo: AdminRoutes.maximumKeySize)
            let bytes = Array(buffer: buffer)
            let key = try await run { () async throws(DirectoryError) in try await directory.importKey(bytes, accountID: id) }
            return EditedResponse(status: .created, response: Done(result: "key \(key.fingerprint) stored for \(id)"))
        }
        admin.put("/addresses/:address/key") { request, context in
            let address = try Self.parameter("address", context)
            let body = try await request.decode(as: AssociateBody.self, context: context)
            try await run { () async throws(DirectoryError) in try await directory.associate(address: address, fingerprint: body.fingerprint) }
            return Done(result: "\(address) → \(body.fingerprint.uppercased())")
        }
        admin.get("/addresses/:address") { _, context in
            let address = try Self.parameter("address", context)
            return AddressView(status: try await run { () async throws(DirectoryError) in try await directory.status(of: address) })
        }
    }

    /// A path parameter, percent-decoded (Hummingbird hands over the raw path segment), so that
    /// `/admin/v1/addresses/jos%C3%A9%40b%C3%BCcher.test` names `josé@bücher.test`.
    static func parameter(_ name: String, _ context: StockadeRequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        guard let decoded = raw.removingPercentEncoding else {
            throw JSONError(status: .badRequest, message: "the path parameter \(name) is not valid percent-encoded UTF-8")
        }
        return decoded
    }

    /// The largest key upload the admin API accepts.
    static let maximumKeySize = 1 << 20

    /// Runs a directory operation, turning its refusal into an HTTP error with the reason.
    func run<T>(_ body: () async throws(DirectoryError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw JSONError(status: Self.status(for: error), message: error.reason)
        }
    }

    static func status(for error: DirectoryError) -> HTTPResponse.Status {
        let notFound: [DirectoryError] = [.accountNotFound(""), .addressNotFound(""), .keyNotFound("")]
        let conflict: [DirectoryError] = [.domainExists(""), .accountExists(""), .addressTaken("", owner: ""), .keyOwnedElsewhere(""),
                                          .permanentAlias(""), .primaryAddress(""), .accountClosed(""), .addressRemoved("")]
        let badRequest: [DirectoryError] = [.invalidAddress(""), .invalidDomain("", ""), .unsafeAddress("", "")]
        if notFound.contains(error) { return .notFound }
        if badRequest.contains(error) { return .badRequest }
        if conflict.contains(error) { return .conflict }
        if error == .storage("") { return .serviceUnavailable }
        return .badRequest
    }
}

/// `{"address", "account", "role", "status", "key", "published", "reason"}`.
struct AddressView: ResponseEncodable {
    let status: AddressStatus

    func encode(to encoder: any Encoder) throws { try status.encode(to: encoder) }
}

/// An error answered as `{"error": message}` with a status.
struct JSONError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(["error": message])
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Refuses requests without `Authorization: Bearer <token>`; compares in constant time.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              Self.constantTimeEqual(Array(header.dropFirst(7).utf8), Array(token.utf8))
        else {
            throw JSONError(status: .unauthorized, message: "a valid bearer token is required")
        }
        return try await next(request, context)
    }

    /// Compares SHA-256 digests byte by byte without early exit, so timing reveals nothing of the token.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let left = Array(SHA256.hash(data: a)), right = Array(SHA256.hash(data: b))
        var difference: UInt8 = 0
        for index in 0..<left.count { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
