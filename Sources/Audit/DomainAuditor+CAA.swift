import CAA
import DNS
import TransportSecurity

extension DomainAuditor {
    /// Who may issue certificates for the hosts whose certificates mail depends on: every MX host, the MTA-STS policy
    /// host when the domain publishes MTA-STS, and the WKD host when it exists (RFC 8659 §3, §4.2).
    func caaFindings(_ domain: String) async -> [Finding] {
        async let mx = try? MXSet.lookup(domain, resolver: resolver)
        async let sts = txt("_mta-sts.\(domain)")
        async let openpgpkey = try? resolver.resolve("openpgpkey.\(domain)", .a)
        var hosts = (await mx)?.hosts.map(\.name) ?? []
        if let records = await sts, !records.isEmpty { hosts.append("mta-sts.\(domain)") }
        if let answer = await openpgpkey, !answer.rrset.isEmpty { hosts.append("openpgpkey.\(domain)") }
        let unique = hosts.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return await withTaskGroup(of: (Int, Finding).self) { group in
            for (index, host) in unique.enumerated() {
                group.addTask { (index, await caaFinding(host)) }
            }
            var found: [(Int, Finding)] = []
            for await finding in group { found.append(finding) }
            return found.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private func caaFinding(_ host: String) async -> Finding {
        let relevant: CAALookup.RelevantRRset
        do {
            relevant = try await CAALookup.relevantRRset(for: try DNSName(host), resolver: resolver)
        } catch let error as CAAError {
            return Finding(.caa, .error, "caa-lookup-failed", "\(host): \(error.reason): no CA may issue", "RFC 8659 §3")
        } catch {
            return Finding(.caa, .error, "caa-lookup-failed", "\(host): not a domain name", "RFC 8659 §3")
        }
        guard let name = relevant.name else {
            return Finding(.caa, .info, "caa-none", "\(host): no CAA records, any CA may issue", "RFC 8659 §3")
        }
        let properties = relevant.properties
        for property in properties where property.isCritical {
            if case .unknown(let tag) = property.kind {
                return Finding(.caa, .warning, "caa-critical-unknown", "\(host): the critical unknown tag \"\(tag)\" forbids all issuance",
                               "RFC 8659 §4.1")
            }
        }
        let issuers = properties.compactMap { property -> String? in
            guard case .issue = property.kind else { return nil }
            return property.issueValue?.issuerDomain ?? "no one"
        }
        guard !issuers.isEmpty else {
            return Finding(.caa, .info, "caa-no-issue", "\(host): CAA at \(Self.text(name)) has no issue property, any CA may issue",
                           "RFC 8659 §4.2")
        }
        return Finding(.caa, .ok, "caa-present", "\(host): only \(issuers.joined(separator: ", ")) may issue (CAA at \(Self.text(name)))",
                       "RFC 8659 §4.2")
    }
}
