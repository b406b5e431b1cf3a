import Foundation
import HTTPTypes
import Hummingbird
import KeyServer
import NIOCore
import VKS

extension KeyAnswerCache {
    /// The key of the answer to a request for `target` (path and query, as sent) with Host `host`: WKD answers depend
    /// on the host and path, VKS answers on the path, HKP answers on the whole target; nil for anything else.
    static func requestKey(host: String?, target: String) -> String? {
        let path = target.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(target[..<$0]) } ?? target
        if path.hasPrefix("/.well-known/openpgpkey/") {
            guard let host = host.flatMap(hostName(authority:)) else { return nil }
            return "w " + host + " " + path
        }
        if path.hasPrefix("/vks/v1/by-") { return "v " + path }
        if path == "/pks/lookup" { return "h " + target }
        return nil
    }

    /// The host of an authority or Host header, without port, lower-cased; nil if empty.
    static func hostName(authority: String) -> String? {
        let host = authority.hasPrefix("[") ? Substring(authority) : authority.prefix { $0 != ":" }
        return host.isEmpty ? nil : host.lowercased()
    }

    /// The answer's key for a Hummingbird request.
    static func requestKey(_ request: Request) -> String? {
        requestKey(host: request.head.authority, target: request.head.path ?? "")
    }

    /// The answer kept for `request`, if any.
    func answer(for request: Request) -> KeyAnswer? {
        Self.requestKey(request).flatMap { answer(for: $0) }
    }

    /// Keeps `answer` for `request` (see ``store(_:for:tags:until:ticket:now:)``) for `seconds` at most.
    func store(_ answer: KeyAnswer, for request: Request, tags: [String], freshFor seconds: TimeInterval = 3600, ticket: Ticket) {
        guard let key = Self.requestKey(request), seconds > 0 else { return }
        let now = NIODeadline.now()
        store(answer, for: key, tags: tags, until: now + .nanoseconds(Int64(min(seconds, 3600) * 1e9)), ticket: ticket, now: now)
    }
}

extension KeyAnswer {
    /// A WKD key: the binary certificate (§3.1), not to be cached by clients without revalidation.
    static func wkd(_ bytes: [UInt8]) -> KeyAnswer {
        KeyAnswer(contentType: "application/octet-stream", cacheControl: "no-cache", body: ByteBuffer(bytes: bytes))
    }

    /// Keys found by the key server, armored (VKS and HKP `op=get`).
    static func armored(_ lookup: PublishedLookup) -> KeyAnswer {
        KeyAnswer(contentType: "application/pgp-keys", cacheControl: nil, body: ByteBuffer(string: armoredKeys(lookup.bytes)))
    }

    /// The tags of an answer made from `lookup`: its keys, and what was looked up.
    static func tags(_ lookup: PublishedLookup, search: HKPSearch) -> [String] {
        let looked: String = switch search {
        case .fingerprint(let id), .keyID(let id): KeyAnswerCache.Tag.lookup(id)
        case .email(let address): KeyAnswerCache.Tag.email(HKPSearch.emailKey(address) ?? address)
        }
        return lookup.fingerprints.map(KeyAnswerCache.Tag.key) + [looked]
    }

    /// The answer as a Hummingbird response (the body shares the kept bytes).
    var response: Response {
        var headers: HTTPFields = [.contentType: contentType, .accessControlAllowOrigin: "*"]
        if let cacheControl { headers[.cacheControl] = cacheControl }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}
