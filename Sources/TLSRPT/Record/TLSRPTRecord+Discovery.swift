public import DNS

extension TLSRPTRecord {
    /// Looks up and reads the record of `domain` at `_smtp._tls.<domain>` (RFC 8460 §3).
    ///
    /// - Returns: the record, or the reason the domain has no usable one: ``TLSRPTError/Code/noRecord`` for NXDOMAIN,
    ///   NODATA or no `v=TLSRPTv1` record, `lookupFailed` for SERVFAIL and other errors, or the record's own error.
    /// - Throws: ``DNSError`` only when no answer could be had at all.
    public static func discover<C: Clock>(domain: String, resolver: Resolver<C>) async throws(DNSError) -> Result<TLSRPTRecord, TLSRPTError> {
        let name = Policy.normalized(domain)
        let answer = try await resolver.resolve("_smtp._tls.\(name)", .txt)
        guard answer.responseCode == .noError || answer.isNXDomain else {
            return .failure(.lookupFailed("_smtp._tls.\(name) TXT: \(answer.responseCode)"))
        }
        let texts: [[String]] = answer.rrset.compactMap {
            if case .txt(let strings) = $0.data { strings.map { String(decoding: $0, as: UTF8.self) } } else { nil }
        }
        do throws(TLSRPTError) {
            return .success(try TLSRPTRecord(parsing: texts))
        } catch {
            return .failure(error)
        }
    }
}
