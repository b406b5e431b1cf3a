public import DNS

/// The relevant-RRset search of RFC 8659 §3 and the issuance decision on what it finds.
public enum CAALookup {
    /// The relevant RRset of a name (RFC 8659 §3): the name where the climb found CAA records and their properties,
    /// `(nil, [])` when no name up to the top-level domain has any.
    public struct RelevantRRset: Sendable, Hashable {
        public var name: DNSName?
        public var records: [DNS.CAA]

        public init(name: DNSName?, records: [DNS.CAA]) {
            self.name = name
            self.records = records
        }

        /// The records read as properties.
        public var properties: [CAAProperty] { records.map(CAAProperty.init) }
    }

    /// Climbs from `name` towards the root, stopping before it, until a name has a CAA RRset. CNAMEs at a searched
    /// name are followed by the resolver, but the target's parents are never searched (§3).
    /// - Throws: ``CAAError`` `lookupFailed` when a lookup fails (SERVFAIL, a bogus answer, no answer), or
    ///   `tooManyProperties` beyond ``CAALimits/maximumProperties``; either means issuance is not permitted (§3).
    public static func relevantRRset<C: Clock>(for start: DNSName, resolver: Resolver<C>) async throws(CAAError) -> RelevantRRset {
        var name = start
        while !name.isRoot {
            let answer: Answer
            do {
                answer = try await resolver.resolve(name, .caa)
            } catch {
                throw .lookupFailed("CAA lookup at \(name) failed (no answer (\(error.reason)))")
            }
            if case .bogus = answer.dnssec { throw .lookupFailed("CAA lookup at \(name) failed (DNSSEC bogus)") }
            guard answer.responseCode == .noError || answer.responseCode == .nameError else {
                throw .lookupFailed("CAA lookup at \(name) failed (\(answer.responseCode))")
            }
            let records = answer.rrset.compactMap { record -> DNS.CAA? in
                if case .caa(let caa) = record.data { caa } else { nil }
            }
            if !records.isEmpty {
                guard records.count <= CAALimits.maximumProperties else { throw .tooManyProperties(records.count) }
                return RelevantRRset(name: name, records: records)
            }
            name = name.parent
        }
        return RelevantRRset(name: nil, records: [])
    }

    /// Finds the relevant RRset for the request's name and decides (§3, §4). A failed lookup means not permitted.
    public static func check<C: Clock>(_ request: IssuanceRequest, resolver: Resolver<C>) async -> CAADecision {
        let relevant: RelevantRRset
        do {
            relevant = try await relevantRRset(for: request.name, resolver: resolver)
        } catch {
            return CAADecision(permitted: false, relevantName: nil, properties: [],
                               reason: "\(error.reason): issuance is not permitted (RFC 8659 §3)")
        }
        guard let name = relevant.name else {
            return CAADecision(permitted: true, relevantName: nil, properties: [],
                               reason: "no CAA records from \(request.name) up to the top-level domain: issuance is not restricted (RFC 8659 §3)")
        }
        return CAADecision.decide(request, relevantName: name, records: relevant.records)
    }
}
