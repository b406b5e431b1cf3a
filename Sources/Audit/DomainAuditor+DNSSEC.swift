import DNS

extension DomainAuditor {
    /// Whether the zone's answers validate (RFC 4035 §4.3): the SOA of the domain, as a validating resolver sees it.
    func dnssecFindings(_ domain: String) async -> [Finding] {
        guard let answer = try? await resolver.resolve(domain, .soa) else {
            return [Finding(.dnssec, .error, "dnssec-no-answer", "no answer for \(domain) SOA", "RFC 4035 §4.3")]
        }
        switch answer.dnssec {
        case .secure:
            return [Finding(.dnssec, .ok, "dnssec-signed", "\(domain) is DNSSEC-signed and validates", "RFC 4035 §4.3")]
        case .insecure:
            return [Finding(.dnssec, .warning, "dnssec-unsigned", "\(domain) is not DNSSEC-signed: DANE cannot protect its mail",
                            "RFC 7672 §2.2")]
        case .bogus(let reason):
            return [Finding(.dnssec, .error, "dnssec-bogus", "answers for \(domain) fail DNSSEC validation (\(reason))", "RFC 4035 §5.5")]
        case .indeterminate:
            return [Finding(.dnssec, .info, "dnssec-unknown", "the resolver is not trusted to validate: DNSSEC status unknown",
                            "RFC 4035 §4.9.3")]
        }
    }
}
