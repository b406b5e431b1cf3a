import Foundation
import HTTPTypes
import Hummingbird
import KeyServer
import OpenPGP
import VKS

/// HKP (draft-shaw-openpgp-hkp-00) for `gpg --keyserver hkp://…`: `/pks/lookup` with `op=get` or `op=index`
/// (machine-readable, §5.2) by fingerprint, long key ID or exact address, and `/pks/add` (§4) — which, like the
/// VKS upload, publishes no identity until its owner verifies it. `op=get` answers are kept in `answers`, which
/// ``HotRouteHandler`` serves without reaching this router.
struct HKPRoutes {
    let keyServer: KeyServer
    let limits: KeyServerLimits
    let answers: KeyAnswerCache

    func add(to router: Router<StockadeRequestContext>) {
        let pks = router.group("/pks").add(middleware: ClientRateLimitMiddleware(limits: limits))
        pks.get("/lookup") { request, _ in
            let op = request.uri.queryParameters["op"].map(String.init) ?? "get"
            let raw = request.uri.queryParameters["search"].map(String.init) ?? ""
            guard let search = HKPSearch(raw) else {
                throw VKSError(status: .badRequest, message: "search by fingerprint, 16-digit key ID or exact email address")
            }
            switch op {
            case "get":
                if let answer = answers.answer(for: request) { return answer.response }
                let ticket = answers.ticket()
                guard let found = try await vksCall({ () async throws(KeyServerError) in try await keyServer.lookup(search) }) else {
                    throw VKSError(status: .notFound, message: "no key found")
                }
                let answer = KeyAnswer.armored(found)
                answers.store(answer, for: request, tags: KeyAnswer.tags(found, search: search), ticket: ticket)
                return answer.response
            case "index", "vindex":
                let keys = try await vksCall { () async throws(KeyServerError) in try await keyServer.search(search) }
                guard !keys.isEmpty else { throw VKSError(status: .notFound, message: "no key found") }
                let index = HKPIndex.render(keys.map { HKPIndexEntry(certificate: $0, at: Date()) })
                return Response(status: .ok, headers: [.contentType: "text/plain", .accessControlAllowOrigin: "*"],
                                body: .init(byteBuffer: ByteBuffer(string: index)))
            default:
                throw VKSError(status: .notImplemented, message: "op=\(op) is not supported")
            }
        }
        pks.post("/add") { request, context in
            let limit = keyServer.configuration.maxUploadBytes * 3
            guard let buffer = try? await request.body.collect(upTo: limit) else {
                throw VKSError(status: .contentTooLarge, message: "the request body exceeds \(limit) bytes")
            }
            let keytext = try FormFields(String(buffer: buffer)).single("keytext")
            let response = try await vksCall { () async throws(KeyServerError) in try await keyServer.upload(Array(keytext.utf8)) }
            return Response(status: .ok, headers: [.contentType: "text/plain", .accessControlAllowOrigin: "*"],
                            body: .init(byteBuffer: ByteBuffer(string: "key \(response.keyFingerprint) stored; addresses are published once verified\n")))
        }
    }
}
