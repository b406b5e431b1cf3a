import Directory
import HTTPTypes
import Hummingbird
import Logging
import Store

/// The Web Key Directory (draft-koch-openpgp-webkey-service-22 §3.1), routed by the Host header:
/// `openpgpkey.<domain>` serves the advanced form, `<domain>` the direct form, for GET and HEAD. Only keys the
/// directory publishes are served, each minimized to the one address; everything else is a plain 404, no listing.
///
/// Keys served are kept as prepared answers in `answers` (tagged with the address and domain they were decided for),
/// which ``HotRouteHandler`` serves without reaching this router.
struct WKDRoutes {
    let directory: Directory
    let answers: KeyAnswerCache
    let logger: Logger

    func add(to router: Router<StockadeRequestContext>) {
        for method in [HTTPRequest.Method.get, .head] {
            router.on("/.well-known/openpgpkey/:domain/hu/:hash", method: method) { request, context in
                let domain = try context.parameters.require("domain").lowercased()
                guard Self.host(of: request) == "openpgpkey.\(domain)" else { return Self.notFound }
                return try await key(domain: domain, hash: try context.parameters.require("hash"), request: request)
            }
            router.on("/.well-known/openpgpkey/hu/:hash", method: method) { request, context in
                guard let host = Self.host(of: request) else { return Self.notFound }
                return try await key(domain: host, hash: try context.parameters.require("hash"), request: request)
            }
            router.on("/.well-known/openpgpkey/:domain/policy", method: method) { request, context in
                let domain = try context.parameters.require("domain").lowercased()
                guard Self.host(of: request) == "openpgpkey.\(domain)" else { return Self.notFound }
                return try await policy(domain: domain)
            }
            router.on("/.well-known/openpgpkey/policy", method: method) { request, _ in
                guard let host = Self.host(of: request) else { return Self.notFound }
                return try await policy(domain: host)
            }
        }
    }

    /// The request's host without port, lower-cased.
    static func host(of request: Request) -> String? {
        request.head.authority.flatMap(KeyAnswerCache.hostName(authority:))
    }

    static var notFound: Response {
        Response(status: .notFound, headers: [.accessControlAllowOrigin: "*", .contentType: "text/plain"],
                 body: .init(byteBuffer: ByteBuffer(string: "not found\n")))
    }

    func key(domain: String, hash: String, request: Request) async throws -> Response {
        guard hash.count == 32, hash.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return Self.notFound }
        if let answer = answers.answer(for: request) { return answer.response }
        let ticket = answers.ticket()
        let wkdHash = hash.lowercased()
        let (publication, freshFor) = try await directory.publicationLifetime(domain: domain, wkdHash: wkdHash)
        switch publication {
        case .published(let address, let fingerprint, let bytes):
            logger.debug("WKD key served", metadata: ["address": "\(address)", "fingerprint": "\(fingerprint)"])
            let answer = KeyAnswer.wkd(bytes)
            if let name = Directory.canonicalDomain(domain) {
                answers.store(answer, for: request, tags: [KeyAnswerCache.Tag.address(name, wkdHash), KeyAnswerCache.Tag.domain(name)],
                              freshFor: freshFor, ticket: ticket)
            }
            return answer.response
        case .unpublished(let reason):
            logger.debug("WKD lookup not published", metadata: ["domain": "\(domain)", "hash": "\(hash)", "reason": "\(reason)"])
            return Self.notFound
        }
    }

    /// The policy file (§4.5): present, and empty, for every served domain, so clients know the domain does WKD.
    func policy(domain: String) async throws -> Response {
        let name = Directory.canonicalDomain(domain)  // the Host header carries A-labels, the directory U-labels
        guard try await directory.domains().contains(where: { $0.name == name }) else { return Self.notFound }
        return Response(status: .ok, headers: [.contentType: "text/plain", .accessControlAllowOrigin: "*"],
                        body: .init(byteBuffer: ByteBuffer()))
    }
}
