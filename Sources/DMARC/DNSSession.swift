/// The DNS questions of one evaluation: each asked once, in order, with the list kept for the result.
final class DNSSession {
    private let dns: any DMARCDNS
    private var queries: [DMARCQuery] = []
    private var answers: [DMARCQuery: DMARCLookup] = [:]

    init(dns: any DMARCDNS) {
        self.dns = dns
    }

    func txt(_ name: String) async -> DMARCLookup {
        await ask(.policy(name)) { await self.dns.txt(name) }
    }

    func existence(_ name: String) async -> DMARCLookup {
        await ask(.existence(name)) { await self.dns.existence(name) }
    }

    /// The DNS Tree Walk from `domain` (RFC 9989 §4.10).
    func walk(from domain: String) async -> TreeWalkResult {
        var found: [TreeWalkResult.Found] = []
        for target in TreeWalk.targets(from: domain) {
            switch await txt("_dmarc." + target) {
            case .failed(let reason):
                return TreeWalkResult(start: domain, records: found, failure: reason)
            case .nonExistent:
                continue
            case .records(let texts):
                guard let record = DMARCRecord.select(texts) else { continue }
                found.append(.init(domain: target, record: record))
                if record.psd != .unknown { return TreeWalkResult(start: domain, records: found, failure: nil) }
            }
        }
        return TreeWalkResult(start: domain, records: found, failure: nil)
    }

    /// A result with the queries so far.
    func result(_ verdict: DMARCResult.Verdict, reason: String) -> DMARCResult {
        DMARCResult(verdict: verdict, disposition: nil, policyDomain: nil, organizationalDomain: nil, spfAligned: false,
                    dkimAligned: false, appliedPolicy: nil, record: nil, queries: queries, reason: reason)
    }

    /// Brings the result's query list up to date.
    func finish(_ result: inout DMARCResult) {
        result.queries = queries
    }

    private func ask(_ query: DMARCQuery, _ run: () async -> DMARCLookup) async -> DMARCLookup {
        if let answer = answers[query] { return answer }
        queries.append(query)
        let answer = await run()
        answers[query] = answer
        return answer
    }
}
