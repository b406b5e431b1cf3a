public import DNS

/// What a key lookup found (RFC 6376 §6.1.2).
public enum KeyLookupResult: Sendable, Hashable {
    /// The TXT records at the name, each with its strings joined (§3.6.2.2).
    case found([[UInt8]])
    /// The name does not exist or has no TXT record: `permerror` (§6.1.2, "no key for signature").
    case notFound(String)
    /// The lookup failed for now (SERVFAIL, timeout, DNSSEC bogus): `temperror` (§6.1.2).
    case temporaryFailure(String)
}

/// Where a verifier gets key records: DNS in production, a table in tests.
public protocol DKIMKeyFetcher: Sendable {
    /// The TXT records at `selector._domainkey.domain`.
    func keyRecords(selector: String, domain: String) async -> KeyLookupResult
}

/// Key records from DNS through Stockade's resolver (RFC 6376 §3.6.2.2: query type TXT at `s._domainkey.d`).
public struct DNSKeyFetcher: DKIMKeyFetcher {
    private let resolver: Resolver<ContinuousClock>

    public init(resolver: Resolver<ContinuousClock>) {
        self.resolver = resolver
    }

    public func keyRecords(selector: String, domain: String) async -> KeyLookupResult {
        let name = "\(selector)._domainkey.\(domain)"
        let answer: Answer
        do {
            answer = try await resolver.resolve(name, .txt)
        } catch {
            if error == .invalidName("", "") { return .notFound("\(name) is not a domain name") }
            return .temporaryFailure("key lookup for \(name) failed: \(error.reason)")
        }
        if case .bogus(let reason) = answer.dnssec {
            return .temporaryFailure("key lookup for \(name): \(answer.responseCode), DNSSEC bogus\(reason.isEmpty ? "" : ": \(reason)")")
        }
        switch answer.responseCode {
        case .noError:
            let records = answer.rrset.compactMap { record -> [UInt8]? in
                guard case .txt(let strings) = record.data else { return nil }
                return strings.flatMap { $0 }
            }
            return records.isEmpty ? .notFound("no TXT record at \(name)") : .found(records)
        case .nameError:
            return .notFound("no key record: \(name) does not exist (NXDOMAIN)")
        default:
            return .temporaryFailure("key lookup for \(name): \(answer.responseCode)")
        }
    }
}
