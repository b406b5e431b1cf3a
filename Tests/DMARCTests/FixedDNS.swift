import DMARC

/// DNS data for evaluations without a network: TXT records by name, names that exist without TXT records, names
/// whose queries fail. A name exists when it has data or a name below it does (RFC 8020: empty non-terminals exist).
struct FixedDNS: DMARCDNS {
    var txt: [String: [String]] = [:]
    var names: Set<String> = []
    var failing: Set<String> = []

    /// Records published for domains: `_dmarc.<domain>` gets each text.
    static func records(_ records: [String: String], names: Set<String> = [], failing: Set<String> = []) -> FixedDNS {
        FixedDNS(txt: Dictionary(uniqueKeysWithValues: records.map { ("_dmarc." + $0.key, [$0.value]) }), names: names, failing: failing)
    }

    func txt(_ name: String) async -> DMARCLookup {
        if failing.contains(name) { return .failed("\(name) TXT: SERVFAIL") }
        if let records = txt[name] { return .records(records) }
        return exists(name) ? .records([]) : .nonExistent
    }

    func existence(_ name: String) async -> DMARCLookup {
        if failing.contains(name) { return .failed("\(name) A: SERVFAIL") }
        return exists(name) ? .records([]) : .nonExistent
    }

    private func exists(_ name: String) -> Bool {
        (Set(txt.keys).union(names)).contains { $0 == name || $0.hasSuffix("." + name) }
    }
}
