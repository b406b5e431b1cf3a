/// Evaluates DMARC for a message (RFC 9989 §5.3, or RFC 7489 §6.6 in that mode) from its Author Domain and the SPF and
/// DKIM outcomes, asking DNS through a ``DMARCDNS``.
public struct DMARCEvaluator: Sendable {
    /// Which specification decides discovery and Organizational Domains.
    public enum Mode: Sendable {
        /// RFC 9989: the DNS Tree Walk (§4.10), `psd`, `np`, `t`.
        case rfc9989
        /// RFC 7489: the Organizational Domain from a Public Suffix List (§3.2); the record at the Author Domain, else
        /// at its Organizational Domain (§6.6.3). `np`, `psd` and `t` are not RFC 7489 tags and are not used, and `p`
        /// is required (§6.3).
        case rfc7489(PublicSuffixList)
    }

    private let dns: any DMARCDNS
    private let mode: Mode

    /// An evaluator asking `dns`, following `mode` (RFC 9989 by default).
    public init(dns: any DMARCDNS, mode: Mode = .rfc9989) {
        self.dns = dns
        self.mode = mode
    }

    /// DMARC for a message whose RFC5322.From domain is `authorDomain`.
    /// - Parameters:
    ///   - spf: the SPF outcome for the MAIL FROM identity, if SPF ran.
    ///   - dkim: every DKIM signature's outcome; only `pass` ones are Authenticated Identifiers (RFC 9989 §4.4.1).
    public func evaluate(authorDomain: String, spf: SPFOutcome?, dkim: [DKIMOutcome]) async -> DMARCResult {
        let session = DNSSession(dns: dns)
        let author = DomainName.normalized(authorDomain)
        guard DomainName.isValid(author) else {
            return session.result(.none, reason: "\"\(authorDomain)\" is not a domain name")
        }
        let discovery: Discovery
        switch mode {
        case .rfc9989:
            discovery = await discover9989(author, session)
        case .rfc7489(let list):
            discovery = await discover7489(author, list, session)
        }
        switch discovery {
        case .failed(let reason):
            return session.result(.temperror, reason: reason)
        case .absent(let organizational, let reason):
            var result = session.result(.none, reason: reason)
            result.organizationalDomain = organizational
            return result
        case .found(let policyDomain, let record, let organizational):
            return await apply(record, at: policyDomain, author: author, organizational: organizational,
                               spf: spf, dkim: dkim, session: session)
        }
    }

    /// The DNS Tree Walk from `domain` alone (RFC 9989 §4.10): the records found and the Organizational Domain they
    /// give (§4.10.2), e.g. for reports. Independent of ``Mode``.
    public func treeWalk(from domain: String) async -> TreeWalkResult {
        await DNSSession(dns: dns).walk(from: DomainName.normalized(domain))
    }

    private enum Discovery {
        case found(policyDomain: String, record: DMARCRecord, organizational: String)
        case absent(organizational: String?, reason: String)
        case failed(String)
    }

    /// RFC 9989 §4.10.1: the Author Domain's record, else its Organizational Domain's, else its PSD's.
    private func discover9989(_ author: String, _ session: DNSSession) async -> Discovery {
        let walk = await session.walk(from: author)
        if let failure = walk.failure { return .failed(failure) }
        let organizational = walk.organizationalDomain
        if let record = walk.record(at: author) {
            return .found(policyDomain: author, record: record, organizational: organizational)
        }
        if let record = walk.record(at: organizational) {
            return .found(policyDomain: organizational, record: record, organizational: organizational)
        }
        if let psd = walk.publicSuffixRecord {
            return .found(policyDomain: psd.domain, record: psd.record, organizational: organizational)
        }
        return .absent(organizational: organizational, reason: "no DMARC Policy Record for \(author) or above it (RFC 9989 §4.10.1)")
    }

    /// RFC 7489 §6.6.3: the Author Domain's record, else the Organizational Domain's.
    private func discover7489(_ author: String, _ list: PublicSuffixList, _ session: DNSSession) async -> Discovery {
        let organizational = list.organizationalDomain(of: author)
        for domain in author == organizational ? [author] : [author, organizational] {
            switch await session.txt("_dmarc." + domain) {
            case .failed(let reason): return .failed(reason)
            case .nonExistent: continue
            case .records(let texts):
                if let record = DMARCRecord.select(texts) {
                    return .found(policyDomain: domain, record: record, organizational: organizational)
                }
            }
        }
        return .absent(organizational: organizational, reason: "no DMARC record at \(author) or \(organizational) (RFC 7489 §6.6.3)")
    }

    /// Alignment, the verdict and the policy, once a record applies.
    private func apply(_ record: DMARCRecord, at policyDomain: String, author: String, organizational: String,
                       spf: SPFOutcome?, dkim: [DKIMOutcome], session: DNSSession) async -> DMARCResult {
        var result = session.result(.none, reason: "")
        result.policyDomain = policyDomain
        result.organizationalDomain = organizational
        result.record = record
        let isRFC9989 = if case .rfc9989 = mode { true } else { false }
        // RFC 9989 §4.10.1 (RFC 7489 §6.6.3 step 6): an invalid p, sp or np makes the record p=none when it has a
        // valid rua, else DMARC does not apply. RFC 7489 also requires p (§6.3).
        let invalidPolicy = record.hasInvalidPolicy || (!isRFC9989 && record.policy == nil)
        if invalidPolicy && record.aggregateReportURIs.isEmpty {
            result.reason = "the record at \(policyDomain) has an invalid or missing policy and no valid rua: no DMARC processing (RFC 9989 §4.10.1)"
            session.finish(&result)
            return result
        }

        var unresolved: [String] = []
        let spfAligned: Bool
        if let spf, spf.result == .pass {
            switch await aligned(spf.domain, author: author, organizational: organizational, mode: record.spfAlignment, session: session) {
            case .success(let value): spfAligned = value
            case .failure(let reason): spfAligned = false; unresolved.append(reason.text)
            }
        } else {
            spfAligned = false
        }
        var dkimAligned = false
        for signature in dkim where signature.result == .pass && !dkimAligned {
            switch await aligned(signature.domain, author: author, organizational: organizational, mode: record.dkimAlignment, session: session) {
            case .success(let value): dkimAligned = value
            case .failure(let reason): unresolved.append(reason.text)
            }
        }
        result.spfAligned = spfAligned
        result.dkimAligned = dkimAligned

        let chosen = await policy(of: record, at: policyDomain, author: author, invalid: invalidPolicy, rfc9989: isRFC9989, session: session)
        guard case .success(let (tag, value)) = chosen else {
            if case .failure(let reason) = chosen { result.verdict = .temperror; result.reason = reason.text }
            session.finish(&result)
            return result
        }
        result.appliedPolicy = tag
        if spfAligned || dkimAligned {
            result.verdict = .pass
            result.disposition = DMARCRecord.Policy.none
            result.reason = "aligned: \([spfAligned ? "SPF" : nil, dkimAligned ? "DKIM" : nil].compactMap { $0 }.joined(separator: " and "))"
        } else if let first = unresolved.first {
            result.verdict = .temperror
            result.reason = first
        } else {
            result.verdict = .fail
            let testing = isRFC9989 && record.testing
            result.disposition = testing ? value.lowered : value
            result.reason = "no aligned Authenticated Identifier; \(tag.rawValue)=\(value.rawValue)\(testing ? ", lowered one step by t=y" : "")"
        }
        session.finish(&result)
        return result
    }

    /// The policy that applies (RFC 9989 §4.10.1): `p` at the Author Domain; for a subdomain `np` when it does not
    /// exist (NXDOMAIN) and `np` is given, else `sp` when given, else `p`.
    private func policy(of record: DMARCRecord, at policyDomain: String, author: String, invalid: Bool, rfc9989: Bool,
                        session: DNSSession) async -> Result<(DMARCResult.PolicyTag, DMARCRecord.Policy), Unresolved> {
        if policyDomain == author { return .success((.p, invalid ? .none : record.policy ?? .none)) }
        if rfc9989, let np = record.nonExistentSubdomainPolicy {
            switch await session.existence(author) {
            case .failed(let reason): return .failure(Unresolved(text: reason))
            case .nonExistent: return .success((.np, invalid ? .none : np))
            case .records: break
            }
        }
        if let sp = record.subdomainPolicy { return .success((.sp, invalid ? .none : sp)) }
        return .success((.p, invalid ? .none : record.policy ?? .none))
    }

    private struct Unresolved: Error {
        let text: String
    }

    /// Identifier Alignment (RFC 9989 §3.2.10, §4.10.2): strict is equality; relaxed is the same Organizational Domain.
    /// An identifier outside the Author Domain's Organizational Domain cannot have it as its own, so it needs no query.
    private func aligned(_ identifier: String, author: String, organizational: String, mode: DMARCRecord.AlignmentMode,
                         session: DNSSession) async -> Result<Bool, Unresolved> {
        let identifier = DomainName.normalized(identifier)
        if identifier == author { return .success(true) }
        guard mode == .relaxed, DomainName.isValid(identifier) else { return .success(false) }
        switch self.mode {
        case .rfc7489(let list):
            return .success(list.organizationalDomain(of: identifier) == organizational)
        case .rfc9989:
            guard DomainName.isSame(identifier, orUnder: organizational) else { return .success(false) }
            let walk = await session.walk(from: identifier)
            if let failure = walk.failure { return .failure(Unresolved(text: failure)) }
            return .success(walk.organizationalDomain == organizational)
        }
    }
}
