public import DNS
import Foundation
public import MTASTS
import DANE
import Metrics

/// Answers Postfix's `smtp_tls_policy_maps` lookups from MTA-STS policies, in the reply format of
/// postfix-mta-sts-resolver 1.5.1, so that it can replace it without touching Postfix's configuration.
///
/// - `NOTFOUND ` for IP literals, `.parent` lookups (Postfix's parent-domain probes), no policy, `none`, and `testing`
///   (unless ``PolicyResponderOptions/strictTesting``).
/// - `OK secure match=<patterns> servername=hostname` for `enforce`, patterns in Postfix's syntax
///   (``MTASTSPolicy/postfixMatchList``: `*.example.net` becomes `.example.net`, which Postfix matches at any depth).
/// - `OK dane-only` when every MX host of the domain has DNSSEC-secure TLSA records and
///   ``PolicyResponderOptions/danePrecedence`` is on (RFC 8461 §2: DANE takes precedence over MTA-STS).
public struct PolicyResponder: Sendable {
    let policies: MTASTSResolver
    let dns: DNS.Resolver<ContinuousClock>
    public let options: PolicyResponderOptions

    public init(policies: MTASTSResolver, dns: DNS.Resolver<ContinuousClock>, options: PolicyResponderOptions = PolicyResponderOptions()) {
        self.policies = policies
        self.dns = dns
        self.options = options
    }

    /// The reply to one socketmap request, `<map name> <key>`, counted in
    /// `stockade_socketmap_lookups_total{reply="ok|notfound|temp|perm", source="cache|fetched|none"}` (swift-metrics; the
    /// source says whether a policy came from the cache, was fetched, or none was looked up or found).
    public func reply(to request: String) async -> PolicyReply {
        let (reply, resolution) = await answer(request)
        let source = resolution?.policy == nil ? "none" : resolution?.source == .fetched ? "fetched" : "cache"
        let kind = switch reply {
        case .ok: "ok"
        case .notFound: "notfound"
        case .temporary: "temp"
        case .permanent: "perm"
        }
        Counter(label: "stockade_socketmap_lookups_total", dimensions: [("reply", kind), ("source", source)]).increment()
        return reply
    }

    /// The reply, and the policy resolution it came from when one was looked up.
    private func answer(_ request: String) async -> (PolicyReply, PolicyResolution?) {
        guard let space = request.firstIndex(of: " ") else {
            return (.permanent("expected \"<map name> <domain>\", got \(request.prefix(64).debugDescription)"), nil)
        }
        var domain = request[request.index(after: space)...].trimmingCharacters(in: .whitespaces).lowercased()
        if domain.hasSuffix(".") && domain.count > 1 { domain.removeLast() }
        guard !domain.isEmpty else { return (.permanent("empty lookup key"), nil) }
        if domain.hasPrefix(".") || Self.isAddressLiteral(domain) { return (.notFound, nil) }
        guard domain.utf8.count <= 253, (try? DNSName(domain)) != nil else {
            return (.permanent("not a domain name: \(domain.prefix(64).debugDescription)"), nil)
        }
        let resolution = await policies.resolve(domain)
        guard let policy = resolution.policy,
              policy.mode == .enforce || (policy.mode == .testing && options.strictTesting)
        else { return (.notFound, resolution) }
        if options.danePrecedence, await everyMXHasSecureTLSA(domain) { return (.ok("dane-only"), resolution) }
        var data = "secure match=" + policy.postfixMatchList.joined(separator: ":")
        if options.requireSNI { data += " servername=hostname" }
        if options.tlsrpt {
            data += " policy_type=sts policy_domain=\(domain) " + policy.mx.map { "mx_host_pattern=\($0.text)" }.joined(separator: " ")
            data += " { policy_string = version: STSv1 } { policy_string = mode: \(policy.mode.rawValue) }"
                + policy.mx.map { " { policy_string = mx: \($0.text) }" }.joined()
                + " { policy_string = max_age: \(policy.maxAge) }"
        }
        return (.ok(data), resolution)
    }

    /// `[192.0.2.1]`, `192.0.2.1`, `[ipv6:…]` and bare IPv6: Postfix's literal next hops have no MTA-STS policy.
    static func isAddressLiteral(_ key: String) -> Bool {
        if key.hasPrefix("[") { return true }
        if key.contains(":") { return true }
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Whether the domain's MX set is DNSSEC-secure and DANE applies to each host by RFC 7672 §2.2 (secure address
    /// records, secure TLSA records at the CNAME-expanded name or the original, see `DANELookup`); then Postfix's own
    /// DANE (`dane-only`) protects the delivery better than MTA-STS can.
    func everyMXHasSecureTLSA(_ domain: String) async -> Bool {
        guard let mx = try? await dns.resolve(domain, .mx), mx.dnssec == .secure else { return false }
        let hosts: [String] = mx.rrset.compactMap { if case .mx(let record) = $0.data { record.exchange.description } else { nil } }
        guard !hosts.isEmpty else { return false }
        let lookup = DANELookup(resolver: dns)
        for host in hosts {
            guard case .applies? = try? await lookup.policy(host: host) else { return false }
        }
        return true
    }
}
