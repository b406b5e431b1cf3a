public import DNS
import Foundation
public import MTASTS
import DANE
import Metrics
public import NIOCore

/// Answers Postfix's `smtp_tls_policy_maps` lookups from MTA-STS policies, in the reply format of
/// postfix-mta-sts-resolver 1.5.1, so that it can replace it without touching Postfix's configuration.
///
/// - `NOTFOUND ` for IP literals, `.parent` lookups (Postfix's parent-domain probes), no policy, `none`, and `testing`
///   (unless ``PolicyResponderOptions/strictTesting``).
/// - `OK secure match=<patterns> servername=hostname` for `enforce`, patterns in Postfix's syntax
///   (``MTASTSPolicy/postfixMatchList``: `*.example.net` becomes `.example.net`, which Postfix matches at any depth).
/// - `OK dane-only` when every MX host of the domain has DNSSEC-secure TLSA records and
///   ``PolicyResponderOptions/danePrecedence`` is on (RFC 8461 §2: DANE takes precedence over MTA-STS).
///
/// Replies computed from a policy (`OK …` and `NOTFOUND ` after a resolution) are kept as netstring bytes and given
/// again by ``cachedReply(to:)`` for exactly as long as this slow path would give the same (see `ReplyCache`).
public struct PolicyResponder: Sendable {
    let policies: MTASTSResolver
    let dns: DNS.Resolver<ContinuousClock>
    public let options: PolicyResponderOptions
    let cache = ReplyCache()

    public init(policies: MTASTSResolver, dns: DNS.Resolver<ContinuousClock>, options: PolicyResponderOptions = PolicyResponderOptions()) {
        self.policies = policies
        self.dns = dns
        self.options = options
    }

    /// The reply to one socketmap request, `<map name> <key>`, counted in
    /// `stockade_socketmap_lookups_total{reply="ok|notfound|temp|perm", source="cache|fetched|none"}` (swift-metrics; the
    /// source says whether a policy came from the cache, was fetched, or none was looked up or found).
    public func reply(to request: String) async -> PolicyReply {
        await computedReply(to: request).reply
    }

    /// The reply to one socketmap request as a whole netstring, from the cache of computed replies when it holds a
    /// valid one for the same lookup key; nil when the slow path must run (``encodedReply(to:)``). Counted as the slow
    /// path counts it.
    public func cachedReply(to request: ByteBuffer) -> ByteBuffer? {
        guard let key = Self.lookupKey(request), let entry = cache.entry(for: key),
              entry.isValid(at: policies.currentTime, dns.now, policyGeneration: policies.policyChangeCount)
        else { return nil }
        entry.counter.increment()
        return entry.reply
    }

    /// The reply to one socketmap request as a whole netstring, computed (and cached when it may be reused).
    public func encodedReply(to request: ByteBuffer) async -> ByteBuffer {
        await computedReply(to: String(buffer: request)).encoded
    }

    /// The bytes after the request's first space: the cache key (the map name does not change the reply).
    static func lookupKey(_ request: ByteBuffer) -> ByteBuffer? {
        guard let space = request.readableBytesView.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        return request.getSlice(at: space + 1, length: request.writerIndex - space - 1)
    }

    private func computedReply(to request: String) async -> (reply: PolicyReply, encoded: ByteBuffer) {
        let ((reply, resolution), dnsLifetime) = await dns.trackingLifetime { await answer(request) }
        let source = resolution?.resolution.policy == nil ? "none" : resolution?.resolution.source == .fetched ? "fetched" : "cache"
        let kind = switch reply {
        case .ok: "ok"
        case .notFound: "notfound"
        case .temporary: "temp"
        case .permanent: "perm"
        }
        Counter(label: "stockade_socketmap_lookups_total", dimensions: [("reply", kind), ("source", source)]).increment()
        let encoded = Netstring.encode(reply.description)
        switch reply {
        case .ok, .notFound:
            if let resolution {
                remember(encoded, kind: kind, request: request, resolution: resolution, dnsLifetime: dnsLifetime)
            }
        case .temporary, .permanent:
            break
        }
        return (reply, encoded)
    }

    private func remember(_ encoded: ByteBuffer, kind: String, request: String,
                          resolution: ReusableResolution, dnsLifetime: AnswerLifetime<ContinuousClock.Instant>) {
        let dnsValidUntil: ContinuousClock.Instant?
        switch dnsLifetime {
        case .uncached: return
        case .unbounded: dnsValidUntil = nil
        case .until(let instant): dnsValidUntil = instant
        }
        guard let key = Self.lookupKey(ByteBuffer(string: request)) else { return }
        let source = resolution.resolution.policy == nil ? "none" : "cache"
        let entry = ReplyCache.Entry(
            reply: encoded, counter: Counter(label: "stockade_socketmap_lookups_total", dimensions: [("reply", kind), ("source", source)]),
            reusableUntil: resolution.reusableUntil, dnsValidUntil: dnsValidUntil, policyGeneration: resolution.policyGeneration)
        cache.store(entry, for: key)
    }

    /// The reply, and the policy resolution it came from (with its reuse time) when one was looked up.
    private func answer(_ request: String) async -> (PolicyReply, ReusableResolution?) {
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
        let found = await policies.resolveForReuse(domain)
        guard let policy = found.resolution.policy,
              policy.mode == .enforce || (policy.mode == .testing && options.strictTesting)
        else { return (.notFound, found) }
        if options.danePrecedence, await everyMXHasSecureTLSA(domain) { return (.ok("dane-only"), found) }
        var data = "secure match=" + policy.postfixMatchList.joined(separator: ":")
        if options.requireSNI { data += " servername=hostname" }
        if options.tlsrpt {
            data += " policy_type=sts policy_domain=\(domain) " + policy.mx.map { "mx_host_pattern=\($0.text)" }.joined(separator: " ")
            data += " { policy_string = version: STSv1 } { policy_string = mode: \(policy.mode.rawValue) }"
                + policy.mx.map { " { policy_string = mx: \($0.text) }" }.joined()
                + " { policy_string = max_age: \(policy.maxAge) }"
        }
        return (.ok(data), found)
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
