import HTTPFetch
import WKD

extension DomainAuditor {
    /// The Web Key Directory of the domain: which method GnuPG uses, the policy file, and the CORS header browser-based
    /// clients need (draft-koch-openpgp-webkey-service §3.1, §4.5).
    func wkdFindings(_ domain: String) async -> [Finding] {
        guard let address = try? WKDAddress("postmaster@\(domain)") else {
            return [Finding(.wkd, .error, "wkd-invalid-domain", "\(domain) is not a mail domain WKD can serve", "draft-koch-openpgp-webkey-service §3.1")]
        }
        let method = await WKDClient(fetcher: fetcher, resolver: resolver, port: configuration.httpsPort).method(for: address)
        let url = address.policyURL(method)
        let policy = FetchPolicy(maximumBodySize: WKDClient.maximumBodySize, timeout: configuration.timeout, redirects: .none,
                                 port: configuration.httpsPort)
        let response: FetchResponse
        do {
            response = try await fetcher.get(url, policy: policy)
        } catch {
            if error.statusCode == 404 {
                let severity: Severity = method == .advanced ? .error : .info
                let why = method == .advanced ? "openpgpkey.\(domain) exists, so clients use it and never fall back" : "no keys are published by WKD"
                return [Finding(.wkd, severity, "wkd-no-policy", "no policy file at \(url): \(why)", "draft-koch-openpgp-webkey-service §4.5")]
            }
            if method == .direct, error.category == "resolution" || error.category == "connection" {
                return [Finding(.wkd, .info, "wkd-none", "no WKD: \(error.reason)", "draft-koch-openpgp-webkey-service §3.1")]
            }
            return [Finding(.wkd, .error, "wkd-unreachable", "\(url): \(error.reason)", "draft-koch-openpgp-webkey-service §3.1")]
        }
        var findings = [Finding(.wkd, .ok, "wkd-policy", "policy file at \(url) (\(method.rawValue) method)", "draft-koch-openpgp-webkey-service §4.5")]
        if response.header("Access-Control-Allow-Origin") != "*" {
            findings.append(Finding(.wkd, .warning, "wkd-no-cors", "\(url) lacks Access-Control-Allow-Origin: *; web clients cannot read it",
                                    "draft-koch-openpgp-webkey-service §3.1"))
        }
        return findings
    }
}
