public import DNS

/// What an SPF check needs from DNS: one question, one answer. `DNS.Resolver` conforms as it is; tests and
/// callers with a cache of their own can supply another.
public protocol SPFResolver: Sendable {
    /// The answer to `name`/`type`, CNAMEs followed; throws when no answer could be had (a timeout, a network error,
    /// a CNAME loop). SERVFAIL and NXDOMAIN are answers with their response code.
    func resolve(_ name: DNSName, _ type: RecordType) async throws(DNSError) -> Answer
}

extension Resolver: SPFResolver {}
