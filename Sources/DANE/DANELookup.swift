public import DNS

/// Finds the TLSA records that govern an SMTP server, following RFC 7672 §2.2 through Stockade's resolver.
public struct DANELookup: Sendable {
    private let resolver: DNS.Resolver<ContinuousClock>

    public init(resolver: DNS.Resolver<ContinuousClock>) {
        self.resolver = resolver
    }

    /// The DANE policy of `host` on `port`.
    ///
    /// - The host's address records must be DNSSEC-secure, else DANE does not apply (RFC 7672 §2.2.2).
    /// - The TLSA base domain is the CNAME-expanded host name when the expansion is secure and has TLSA records,
    ///   else the original name (§2.2.3).
    /// - An insecure MX RRset does not stop DANE when the host's TLSA records are secure: that is Postfix's
    ///   `smtp_tls_dane_insecure_mx_policy = dane`; the caller decides what a bogus MX RRset means.
    /// - Any bogus answer on the way is ``DANEPolicy/bogus(_:)``.
    /// - Throws: ``DNSError`` when the resolver could not answer at all (the check could not run).
    public func policy(host: String, port: Int = 25) async throws(DNSError) -> DANEPolicy {
        let address = try await addressAnswer(host)
        if let unproved = Self.unproved(address.dnssec, what: "the address records of \(host)") { return unproved }
        guard address.responseCode == .noError, !address.rrset.isEmpty else {
            return .notApplicable("\(host) has no address records (\(address.responseCode))")
        }
        let original = Self.normalized(host)
        let expanded = Self.normalized(address.canonicalName.description)
        var candidates = [expanded]
        if expanded != original { candidates.append(original) }
        for base in candidates {
            let answer = try await resolver.resolve("_\(port)._tcp.\(base)", .tlsa)
            if let unproved = Self.unproved(answer.dnssec, what: "the TLSA records of _\(port)._tcp.\(base)") { return unproved }
            guard answer.responseCode == .noError || answer.responseCode == .nameError else {
                return .bogus("TLSA _\(port)._tcp.\(base): \(answer.responseCode)")
            }
            let records = answer.rrset.compactMap { record -> TLSA? in
                if case .tlsa(let tlsa) = record.data { return tlsa }
                return nil
            }
            if !records.isEmpty {
                return .applies(DANERecords(hostName: original, baseDomain: base, port: port, records: records))
            }
        }
        return .notApplicable("no TLSA records for \(original) (DNSSEC-secure denial)")
    }

    /// The A answer, or the AAAA answer when there are no A records: its DNSSEC status and CNAME expansion decide.
    private func addressAnswer(_ host: String) async throws(DNSError) -> Answer {
        let a = try await resolver.resolve(host, .a)
        if a.responseCode == .noError, a.rrset.isEmpty, a.dnssec == .secure {
            let aaaa = try await resolver.resolve(host, .aaaa)
            if !aaaa.rrset.isEmpty { return aaaa }
        }
        return a
    }

    /// What an answer DANE depends on means when DNSSEC did not prove it: bogus stops everything (RFC 7672 §2.1.1),
    /// insecure means DANE does not apply (§2.2); `nil` for a secure answer.
    private static func unproved(_ status: DNSSECStatus, what: String) -> DANEPolicy? {
        switch status {
        case .secure: nil
        case .bogus(let reason): .bogus("\(what): \(reason.isEmpty ? "DNSSEC validation failed" : reason)")
        case .insecure, .indeterminate: .notApplicable("\(what) are not DNSSEC-secure (\(status))")
        }
    }

    /// Lower case, without the final dot (the root, `.`, stays as it is).
    package static func normalized(_ name: String) -> String {
        var name = name.lowercased()
        if name.hasSuffix("."), name.count > 1 { name.removeLast() }
        return name
    }
}
