public import DNS
public import Foundation
public import HTTPFetch
import Logging
import MTASTS
public import TransportSecurity

/// Runs every check of `stockade check` against one domain: the areas concurrently, through one resolver and so one
/// cache, sharing one HTTPS fetcher and one MTA-STS resolver.
public struct DomainAuditor: Sendable {
    /// Ports, timeouts and the optional checks.
    public struct Configuration: Sendable {
        /// The SMTP port of every MX host (25; the lab may use another).
        public var smtpPort = 25
        /// The HTTPS port of the MTA-STS policy host and the WKD hosts.
        public var httpsPort = 443
        /// Time allowed for each connection step and each HTTPS fetch.
        public var timeout: Duration = .seconds(10)
        /// DKIM selectors to check at `<selector>._domainkey.<domain>`.
        public var dkimSelectors: [String] = []
        /// The records the domain should publish (from `stockade init`), compared with DNS.
        public var expected: [ExpectedRecord] = []
        public init() {}
    }

    let resolver: Resolver<ContinuousClock>
    let fetcher: HTTPFetcher
    let pkix: PKIXCheck
    let configuration: Configuration
    let now: @Sendable () -> Date

    /// An auditor asking `resolver`, trusting the system's roots plus `trustAnchorFiles` (PEM) for HTTPS and SMTP.
    public init(resolver: Resolver<ContinuousClock>, trustAnchorFiles: [String] = [], configuration: Configuration = Configuration(),
                now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.resolver = resolver
        self.fetcher = try HTTPFetcher(resolver: resolver, trustRoots: .systemPlus(pemFiles: trustAnchorFiles))
        self.pkix = try PKIXCheck.systemPlus(pemFiles: trustAnchorFiles)
        self.configuration = configuration
        self.now = now
    }

    /// Audits `domain`: each area runs as a child task; the report orders the findings by area.
    public func audit(_ domain: String) async -> AuditReport {
        let domain = Self.normalized(domain)
        var stsConfiguration = MTASTSResolver.Configuration()
        stsConfiguration.port = configuration.httpsPort
        stsConfiguration.fetchTimeout = configuration.timeout
        let sts = MTASTSResolver(resolver: resolver, fetcher: fetcher, storage: MemoryPolicyStorage(), configuration: stsConfiguration)
        let findings = await withTaskGroup(of: [Finding].self) { group in
            group.addTask { await dnssecFindings(domain) }
            group.addTask { await transportFindings(domain, sts: sts) }
            group.addTask { await spfFindings(domain) }
            group.addTask { await dmarcFindings(domain) }
            group.addTask { await tlsrptFindings(domain) }
            group.addTask { await dkimFindings(domain) }
            group.addTask { await caaFindings(domain) }
            group.addTask { await wkdFindings(domain) }
            if !configuration.expected.isEmpty { group.addTask { await publicationFindings(domain) } }
            var all: [Finding] = []
            for await part in group { all += part }
            return all
        }
        return AuditReport(domain: domain, findings: findings)
    }

    /// Lower case, without the final dot.
    static func normalized(_ domain: String) -> String {
        let lower = domain.lowercased()
        return lower.hasSuffix(".") ? String(lower.dropLast()) : lower
    }

    /// A name without its final dot, as findings print it.
    static func text(_ name: DNSName) -> String {
        let text = name.description
        return text.count > 1 && text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    /// The TXT records at `name`, each with its strings joined; nil when DNS gave no usable answer.
    func txt(_ name: String) async -> [String]? {
        guard let answer = try? await resolver.resolve(name, .txt),
              answer.responseCode == .noError || answer.responseCode == .nameError else { return nil }
        return answer.rrset.compactMap { record in
            if case .txt(let strings) = record.data { String(decoding: strings.joined(), as: UTF8.self) } else { nil }
        }
    }
}
