import DMARC

extension DomainAuditor {
    /// The DMARC Policy Record at `_dmarc.<domain>`: present, policy strength, testing, subdomain policy, discarded tags,
    /// and whether each `rua` destination outside the domain agreed to receive its reports (RFC 9989, RFC 9990 §4).
    func dmarcFindings(_ domain: String) async -> [Finding] {
        let dns = ResolverDMARCDNS(resolver: resolver)
        // The DNS Tree Walk (RFC 9989 §4.10): the first name from the domain up with a DMARC record holds its policy.
        for target in TreeWalk.targets(from: domain) {
            let name = "_dmarc.\(target)"
            let texts: [String]
            switch await dns.txt(name) {
            case .failed(let reason):
                return [Finding(.dmarc, .error, "dmarc-lookup-failed", "no answer for \(name) TXT: \(reason)", "RFC 9989 §4.10")]
            case .nonExistent: texts = []
            case .records(let found): texts = found
            }
            let candidates = texts.compactMap(DMARCRecord.init(parsing:))
            guard candidates.count <= 1 else {
                return [Finding(.dmarc, .error, "dmarc-multiple", "\(candidates.count) DMARC records at \(name): none applies", "RFC 9989 §4.10")]
            }
            guard let record = candidates.first else { continue }
            var findings: [Finding] = []
            if target == domain {
                findings.append(Finding(.dmarc, .ok, "dmarc-record", "\(name): \(record.text)", "RFC 9989 §4.7"))
                findings += policyFindings(record)
            } else {
                findings.append(Finding(.dmarc, .info, "dmarc-inherited", "no record at _dmarc.\(domain); \(name) applies: \(record.text)",
                                        "RFC 9989 §4.10"))
                findings += policyFindings(record, forSubdomain: true)
            }
            for tag in record.discarded {
                findings.append(Finding(.dmarc, .warning, "dmarc-discarded-tag", "tag \(tag.text) ignored: \(tag.reason)", "RFC 9989 §4.8"))
            }
            return findings + (await reportFindings(record, domain: target, dns: dns))
        }
        return [Finding(.dmarc, .error, "dmarc-none", "no DMARC record for \(domain) or above it: receivers apply no policy", "RFC 9989 §4.10")]
    }

    /// The strength of the policy that applies: `p` for the domain itself, `sp` (else `p`) for a subdomain (§4.7).
    private func policyFindings(_ record: DMARCRecord, forSubdomain: Bool = false) -> [Finding] {
        var findings: [Finding] = []
        let tag = forSubdomain && record.subdomainPolicy != nil ? "sp" : "p"
        switch forSubdomain ? record.subdomainPolicy ?? record.policy : record.policy {
        case nil:
            findings.append(Finding(.dmarc, .error, "dmarc-policy-invalid", "\(tag) is missing or invalid: the record is not usable", "RFC 9989 §4.7"))
        case .none?:
            findings.append(Finding(.dmarc, .warning, "dmarc-policy-none",
                                    "\(tag)=none: failing mail is delivered; move to quarantine, then reject", "RFC 9989 §4.7"))
        case .quarantine?:
            findings.append(Finding(.dmarc, .ok, "dmarc-policy-quarantine", "\(tag)=quarantine: failing mail is treated as suspicious", "RFC 9989 §4.7"))
        case .reject?:
            findings.append(Finding(.dmarc, .ok, "dmarc-policy-reject", "\(tag)=reject: failing mail is refused", "RFC 9989 §4.7"))
        }
        if record.testing {
            findings.append(Finding(.dmarc, .warning, "dmarc-testing", "t=y: receivers apply one policy level lower", "RFC 9989 §4.7"))
        }
        if !forSubdomain, let policy = record.policy, let sub = record.subdomainPolicy, Self.strength(sub) < Self.strength(policy) {
            findings.append(Finding(.dmarc, .warning, "dmarc-subdomain-weaker", "sp=\(sub.rawValue) is weaker than p=\(policy.rawValue)",
                                    "RFC 9989 §4.7"))
        }
        return findings
    }

    private static func strength(_ policy: DMARCRecord.Policy) -> Int {
        DMARCRecord.Policy.allCases.firstIndex(of: policy)!
    }

    private func reportFindings(_ record: DMARCRecord, domain: String, dns: some DMARCDNS) async -> [Finding] {
        guard !record.aggregateReportURIs.isEmpty else {
            return [Finding(.dmarc, .warning, "dmarc-no-rua", "no rua: nobody receives aggregate reports", "RFC 9990 §3")]
        }
        let verdicts = await ReportDestinationAuthorization(dns: dns)
            .check(record.aggregateReportURIs, policyDomain: domain, organizationalDomain: domain)
        return zip(record.aggregateReportURIs, verdicts).map { uri, verdict in
            switch verdict {
            case .sameOrganization:
                Finding(.dmarc, .ok, "dmarc-rua", "aggregate reports go to \(uri.uri)", "RFC 9990 §3")
            case .authorized:
                Finding(.dmarc, .ok, "dmarc-rua-authorized", "aggregate reports go to \(uri.uri), which agreed to receive them", "RFC 9990 §4")
            case .refused(let why):
                Finding(.dmarc, .error, "dmarc-rua-unauthorized", "\(uri.uri) gets no reports: \(why)", "RFC 9990 §4")
            case .temporaryFailure(let why):
                Finding(.dmarc, .warning, "dmarc-rua-unknown", "\(uri.uri): authorization could not be checked: \(why)", "RFC 9990 §4")
            }
        }
    }
}
