import DKIM
import DNS
import TLSRPT

extension DomainAuditor {
    /// The `_smtp._tls` record (RFC 8460 §3).
    func tlsrptFindings(_ domain: String) async -> [Finding] {
        let result: Result<TLSRPTRecord, TLSRPTError>
        do {
            result = try await TLSRPTRecord.discover(domain: domain, resolver: resolver)
        } catch {
            return [Finding(.tlsrpt, .error, "tlsrpt-lookup-failed", "no answer for _smtp._tls.\(domain) TXT: \(error.reason)", "RFC 8460 §3")]
        }
        switch result {
        case .success(let record):
            return [Finding(.tlsrpt, .ok, "tlsrpt-record", "TLS reports go to \(record.rua.map(\.text).joined(separator: ", "))", "RFC 8460 §3")]
        case .failure(let error) where error.code == .noRecord:
            return [Finding(.tlsrpt, .warning, "tlsrpt-none", "no TLSRPT record: senders cannot report TLS failures", "RFC 8460 §3")]
        case .failure(let error):
            return [Finding(.tlsrpt, .error, "tlsrpt-invalid", "_smtp._tls.\(domain): \(error.reason)", "RFC 8460 §3")]
        }
    }

    /// The key record of each selector asked for (RFC 6376 §3.6.1, §3.6.2.2), concurrently.
    func dkimFindings(_ domain: String) async -> [Finding] {
        await withTaskGroup(of: (Int, [Finding]).self) { group in
            for (index, selector) in configuration.dkimSelectors.enumerated() {
                group.addTask { (index, await dkimFindings(domain, selector: selector)) }
            }
            var parts: [(Int, [Finding])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    private func dkimFindings(_ domain: String, selector: String) async -> [Finding] {
        let name = "\(selector)._domainkey.\(domain)"
        guard let texts = await txt(name) else {
            return [Finding(.dkim, .error, "dkim-lookup-failed", "no answer for \(name) TXT", "RFC 6376 §3.6.2.2")]
        }
        guard let text = texts.first else {
            return [Finding(.dkim, .error, "dkim-selector-missing", "no key record at \(name): signatures with s=\(selector) fail",
                            "RFC 6376 §3.6.2.2")]
        }
        guard texts.count == 1 else {
            return [Finding(.dkim, .warning, "dkim-multiple", "\(texts.count) TXT records at \(name): verifiers may pick either", "RFC 6376 §3.6.2.2")]
        }
        let key: KeyRecord
        do {
            key = try KeyRecord(parsing: Array(text.utf8))
        } catch {
            return [Finding(.dkim, .error, "dkim-key-invalid", "\(name): \(error.reason)", "RFC 6376 §3.6.1")]
        }
        if key.isRevoked {
            return [Finding(.dkim, .warning, "dkim-key-revoked", "\(name): empty p=, the key is revoked", "RFC 6376 §3.6.1")]
        }
        var findings = [Finding(.dkim, .ok, "dkim-key", "\(name): \(key.keyType) key", "RFC 6376 §3.6.1")]
        if key.isTesting {
            findings.append(Finding(.dkim, .warning, "dkim-testing", "\(name): t=y, verifiers may treat failures as passes", "RFC 6376 §3.6.1"))
        }
        return findings
    }
}
