import Foundation
import HTTPTypes
import Hummingbird
import MTASTS

/// `"mtaSTS"` in the configuration: a policy this server publishes for one domain.
public struct PublishedPolicySetting: Codable, Sendable, Equatable {
    public var domain: String
    /// `enforce`, `testing` or `none`.
    public var mode: String
    /// Patterns such as `mx1.example.org` or `*.example.org`.
    public var mx: [String]
    /// Seconds; RFC 8461 §3.2 suggests weeks (default 604800, one week).
    public var maxAge: Int?

    public init(domain: String, mode: String, mx: [String], maxAge: Int? = nil) {
        self.domain = domain
        self.mode = mode
        self.mx = mx
        self.maxAge = maxAge
    }

    /// The policy, or a configuration error naming the domain.
    func policy() throws -> MTASTSPolicy {
        guard let mode = MTASTSPolicy.Mode(rawValue: mode) else {
            throw ConfigurationError(reason: "mtaSTS \(domain): mode must be enforce, testing or none, got \(mode)")
        }
        do throws(MTASTSError) {
            return try MTASTSPolicy(mode: mode, maxAge: maxAge ?? 604_800, mx: try mx.map { (text) throws(MTASTSError) in try MXPattern(text) })
        } catch {
            throw ConfigurationError(reason: "mtaSTS \(domain): \(error.reason)")
        }
    }
}

/// The policy host of RFC 8461 §3.3 for each configured domain: `GET https://mta-sts.<domain>/.well-known/mta-sts.txt`
/// (routed by the `Host` header) answers the canonical policy as `text/plain`; the TXT record's id to publish is
/// ``MTASTSPolicy/derivedID``, which changes exactly when the policy does.
struct MTASTSRoutes {
    /// Policy text by policy host name (`mta-sts.<domain>`).
    let texts: [String: String]

    init(_ settings: [PublishedPolicySetting]) throws {
        var texts: [String: String] = [:]
        for setting in settings {
            texts["mta-sts." + setting.domain.lowercased()] = try setting.policy().text
        }
        self.texts = texts
    }

    func add(to router: Router<StockadeRequestContext>) {
        router.get("/.well-known/mta-sts.txt") { request, _ in
            guard let host = WKDRoutes.host(of: request), let text = texts[host] else {
                return Response(status: .notFound, headers: [.contentType: "text/plain"],
                                body: .init(byteBuffer: ByteBuffer(string: "no MTA-STS policy for this host\n")))
            }
            return Response(status: .ok, headers: [.contentType: "text/plain", .cacheControl: "no-cache"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
