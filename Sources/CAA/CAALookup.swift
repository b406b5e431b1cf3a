public import DNS

/// The relevant-RRset search of RFC 8659 §3 and the issuance decision on what it finds.
public enum CAALookup {
    /// Climbs from the request's name towards the root, stopping before it, until a name has a CAA RRset; then
    /// decides. CNAMEs at a searched name are followed by the resolver, but the target's parents are never searched
    /// (§3). A lookup that fails (SERVFAIL, a bogus answer, no answer) means issuance is not permitted (§3).
    public static func check<C: Clock>(_ request: IssuanceRequest, resolver: Resolver<C>) async -> CAADecision {
        var name = request.name
        while !name.isRoot {
            let answer: Answer
            do {
                answer = try await resolver.resolve(name, .caa)
            } catch {
                return failure(at: name, "no answer (\(error.reason))")
            }
            if case .bogus = answer.dnssec { return failure(at: name, "DNSSEC bogus") }
            guard answer.responseCode == .noError || answer.responseCode == .nameError else {
                return failure(at: name, answer.responseCode.description)
            }
            let records = answer.rrset.compactMap { record -> DNS.CAA? in
                if case .caa(let caa) = record.data { caa } else { nil }
            }
            if !records.isEmpty {
                guard records.count <= CAALimits.maximumProperties else {
                    return failure(at: name, CAAError.tooManyProperties(records.count).reason)
                }
                return CAADecision.decide(request, relevantName: name, records: records)
            }
            name = name.parent
        }
        return CAADecision(permitted: true, relevantName: nil, properties: [],
                           reason: "no CAA records from \(request.name) up to the top-level domain: issuance is not restricted (RFC 8659 §3)")
    }

    private static func failure(at name: DNSName, _ why: String) -> CAADecision {
        CAADecision(permitted: false, relevantName: name, properties: [],
                    reason: "CAA lookup at \(name) failed (\(why)): issuance is not permitted (RFC 8659 §3)")
    }
}
