/// RFC 9990 §4, "Verifying External Destinations": whether a Report Consumer outside the Domain Owner's Organizational
/// Domain agreed to receive its aggregate reports, by a TXT record at `<policy-domain>._report._dmarc.<host>`.
public struct ReportDestinationAuthorization: Sendable {
    /// The label inserted between the policy domain and the destination host (§4 step 2).
    public static let label = "_report._dmarc"

    /// What the check says about one `rua` URI.
    public enum Verdict: Sendable, Hashable {
        /// The destination host is in the policy domain's Organizational Domain: no check needed.
        case sameOrganization(ReportURI)
        /// The Report Consumer confirmed; the URIs to use: the original, or the consumer's own `rua` on the same host
        /// (step 9).
        case authorized([ReportURI])
        /// No report to this URI, and why (for people; it names only domains).
        case refused(String)
        /// A DNS failure: try again later (step 5 allows it).
        case temporaryFailure(String)
    }

    private let dns: any DMARCDNS

    public init(dns: any DMARCDNS) {
        self.dns = dns
    }

    /// Checks each URI of a `rua` list, in order (RFC 9990 §3.1.2, "evaluate the provided reporting URIs in the order
    /// given").
    /// - Parameters:
    ///   - policyDomain: where the DMARC Policy Record was found (step 3 prepends it).
    ///   - organizationalDomain: the policy domain's Organizational Domain (RFC 9989 §4.10.2).
    public func check(_ uris: [ReportURI], policyDomain: String, organizationalDomain: String) async -> [Verdict] {
        var verdicts: [Verdict] = []
        for uri in uris { verdicts.append(await check(uri, policyDomain: policyDomain, organizationalDomain: organizationalDomain)) }
        return verdicts
    }

    /// Checks one URI (§4 steps 1–9).
    public func check(_ uri: ReportURI, policyDomain: String, organizationalDomain: String) async -> Verdict {
        guard let host = Self.host(of: uri) else { return .refused("the URI has no destination host") }
        let walk = await DNSSession(dns: dns).walk(from: host)
        if let failure = walk.failure { return .temporaryFailure(failure) }
        let policy = DomainName.normalized(policyDomain)
        if walk.organizationalDomain == DomainName.normalized(organizationalDomain) { return .sameOrganization(uri) }
        let name = "\(policy).\(Self.label).\(host)"
        guard DomainName.isValid(name) else { return .refused("\(name) is longer than DNS allows (RFC 9990 §4 step 4)") }
        let texts: [String]
        switch await dns.txt(name) {
        case .failed(let reason): return .temporaryFailure(reason)
        case .nonExistent: return .refused("\(name) does not exist: \(host) has not agreed to receive reports for \(policy)")
        case .records(let found): texts = found
        }
        let confirming = texts.compactMap(DMARCRecord.init(parsing:))
        guard !confirming.isEmpty else {
            return .refused("no v=DMARC1 record at \(name): \(host) has not agreed to receive reports for \(policy)")
        }
        let overrides = confirming.flatMap(\.aggregateReportURIs)
        guard !overrides.isEmpty else { return .authorized([uri]) }
        guard overrides.allSatisfy({ Self.host(of: $0) == host }) else {
            return .refused("the confirming record at \(name) names another host: no report to either (RFC 9990 §4)")
        }
        return .authorized(overrides)
    }

    /// The host of the URI's authority (step 1): for `mailto:` the domain after the last `@` of the first address,
    /// for other schemes the RFC 3986 authority host; lower case, without a final dot. `nil` when there is none or it
    /// is not a domain name.
    public static func host(of uri: ReportURI) -> String? {
        let rest = uri.uri.dropFirst(uri.scheme.count + 1)
        let host: Substring
        if uri.scheme == "mailto" {
            let address = rest.prefix { $0 != "?" && $0 != "," }
            guard let at = address.lastIndex(of: "@") else { return nil }
            host = address[address.index(after: at)...]
        } else {
            guard rest.hasPrefix("//") else { return nil }
            let authority = rest.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            let afterUser = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
            host = afterUser.prefix { $0 != ":" }
        }
        let name = DomainName.normalized(String(host))
        return DomainName.isValid(name) ? name : nil
    }
}
