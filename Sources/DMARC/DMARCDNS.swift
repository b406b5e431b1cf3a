public import DNS

/// What one DMARC lookup found.
public enum DMARCLookup: Sendable, Hashable {
    /// The name exists; these are its TXT records, each with its strings concatenated (RFC 9989 §4.5). Empty for
    /// NODATA.
    case records([String])
    /// NXDOMAIN: the name and everything below it do not exist (RFC 8020; RFC 9989 §3.2.13).
    case nonExistent
    /// No answer could be had (SERVFAIL, a bogus answer, timeout, network error): DMARC cannot pass or fail
    /// (RFC 9989 §5.3.6).
    case failed(String)
}

/// The DNS questions DMARC asks, so that the evaluation runs on Stockade's resolver or on fixed data in tests.
public protocol DMARCDNS: Sendable {
    /// The TXT records at `name` (a `_dmarc` name).
    func txt(_ name: String) async -> DMARCLookup
    /// Whether `name` exists (RFC 9989 Appendix A.4: any answer but NXDOMAIN). The records returned are not used.
    func existence(_ name: String) async -> DMARCLookup
}

/// ``DMARCDNS`` through Stockade's resolver: TXT for policy records, A for existence (NOERROR with or without data
/// means the name exists; a CNAME chain means the name exists whatever its end says).
public struct ResolverDMARCDNS<C: Clock>: DMARCDNS where C.Duration == Duration {
    private let resolver: Resolver<C>

    /// Asks `resolver`, whose cache and DNSSEC validation (a bogus answer is SERVFAIL) it shares.
    public init(resolver: Resolver<C>) {
        self.resolver = resolver
    }

    public func txt(_ name: String) async -> DMARCLookup {
        await lookup(name, .txt) { answer in
            answer.rrset.compactMap { record -> String? in
                guard case .txt(let strings) = record.data else { return nil }
                return String(decoding: strings.joined(), as: UTF8.self)
            }
        }
    }

    public func existence(_ name: String) async -> DMARCLookup {
        await lookup(name, .a) { _ in [] }
    }

    private func lookup(_ name: String, _ type: RecordType, _ records: (Answer) -> [String]) async -> DMARCLookup {
        do {
            let answer = try await resolver.resolve(name, type)
            switch answer.responseCode {
            case .noError: return .records(records(answer))
            case .nameError: return answer.records.contains { $0.type == .cname } ? .records([]) : .nonExistent
            default: return .failed("\(name) \(type): \(answer.responseCode)")
            }
        } catch {
            return .failed("\(name) \(type): \(error.reason)")
        }
    }
}
