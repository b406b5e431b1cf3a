public import DANE
public import DNS
public import Foundation
public import MTASTS
public import SMTP

/// `stockade smtp probe`: asks DNS and every MX host of a domain what a sender implementing DANE (RFC 7672) and
/// MTA-STS (RFC 8461) would find, and says what it would do (DANE first, RFC 8461 §2).
///
/// One SMTP session per host: greeting, EHLO, STARTTLS when offered (accepting any certificate, so that one
/// handshake yields the chain for every check), EHLO, QUIT. The DANE and PKIX verdicts are computed from the chain
/// afterwards; no mail is sent.
public struct TransportProbe: Sendable {
    public struct Configuration: Sendable {
        /// The SMTP port (25; the lab may use another).
        public var port = 25
        /// The EHLO name.
        public var clientName = "probe.stockade.invalid"
        public var timeouts = SMTPTimeouts()
        public init() {}
    }

    private let resolver: DNS.Resolver<ContinuousClock>
    private let mtaSTS: MTASTSResolver
    private let pkix: PKIXCheck
    private let configuration: Configuration
    private let now: @Sendable () -> Date

    public init(resolver: DNS.Resolver<ContinuousClock>, mtaSTS: MTASTSResolver, pkix: PKIXCheck,
                configuration: Configuration = Configuration(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.resolver = resolver
        self.mtaSTS = mtaSTS
        self.pkix = pkix
        self.configuration = configuration
        self.now = now
    }

    /// Probes every MX host of `domain`, one after the other in preference order.
    /// - Throws: ``DNSError`` when the MX lookup itself could not be answered.
    public func probe(domain: String) async throws(DNSError) -> DomainReport {
        let mx = try await MXSet.lookup(domain, resolver: resolver)
        let sts = await mtaSTS.resolve(mx.domain)
        var hosts: [HostReport] = []
        for host in mx.hosts {
            hosts.append(await probe(host, in: mx, policy: sts))
        }
        let (decision, reason) = Self.domainDecision(mx, hosts: hosts)
        return DomainReport(mx: mx, mtaSTSMode: sts.policy?.mode.rawValue, mtaSTSReason: sts.policy == nil ? sts.reason : nil,
                            hosts: hosts, decision: decision, reason: reason)
    }

    static func domainDecision(_ mx: MXSet, hosts: [HostReport]) -> (SenderDecision, String) {
        if mx.isNullMX { return (.deferred, "\(mx.domain) publishes a null MX (RFC 7505): it accepts no mail") }
        if case .bogus(let reason) = mx.dnssec {
            return (.deferred, "the MX RRset of \(mx.domain) is DNSSEC-bogus (\(reason)): defer, never downgrade (RFC 7672 §2.2.1)")
        }
        if let first = hosts.first(where: { $0.decision != .deferred }) {
            return (first.decision, "via \(first.host.name): \(first.reason)")
        }
        return (.deferred, hosts.isEmpty ? "no MX host to try" : "every MX host defers; first: \(hosts[0].host.name): \(hosts[0].reason)")
    }

    private func probe(_ host: MXHost, in mx: MXSet, policy: PolicyResolution) async -> HostReport {
        let (addresses, addressDNSSEC) = await addresses(of: host.name)
        let danePolicy: DANEPolicy
        if case .bogus(let reason) = mx.dnssec {
            danePolicy = .bogus("MX RRset of \(mx.domain): \(reason)")
        } else {
            do {
                danePolicy = try await DANELookup(resolver: resolver).policy(host: host.name, port: configuration.port)
            } catch {
                danePolicy = .bogus("DNS lookup failed: \(error)")
            }
        }
        var session: SMTPSessionReport?
        var connectionError: String?
        if case .bogus = danePolicy {
            connectionError = "not contacted: a DNSSEC-bogus answer forbids it"
        } else {
            do {
                session = try await connect(host.name, sni: Self.serverName(for: host.name, policy: danePolicy))
            } catch {
                connectionError = error.description
            }
        }
        let chain = session?.tls?.peerCertificates ?? []
        let startTLSOffered = session?.tls != nil || session?.extensions.contains("STARTTLS") == true
        let dane = await daneVerdict(danePolicy, session: session, connectionError: connectionError, chain: chain, mx: mx)
        let sts = await mtaSTSVerdict(policy, host: host.name, session: session, chain: chain)
        let (decision, reason) = Self.decide(dane: dane, danePolicy: danePolicy, mtaSTS: sts, session: session,
                                             connectionError: connectionError)
        return HostReport(host: host, addresses: addresses, addressDNSSEC: addressDNSSEC, danePolicy: danePolicy,
                          session: session, startTLSOffered: startTLSOffered,
                          certificates: chain.compactMap { try? ServerCertificate(der: $0) }.map(CertificateSummary.init),
                          connectionError: connectionError, dane: dane, mtaSTS: sts, decision: decision, reason: reason)
    }

    /// SNI: the TLSA base domain when DANE applies (RFC 7672 §8.1), else the MX host name.
    static func serverName(for host: String, policy: DANEPolicy) -> String {
        if case .applies(let records) = policy { return records.baseDomain }
        return host
    }

    private func connect(_ host: String, sni: String) async throws(SMTPError) -> SMTPSessionReport {
        let smtp = SMTPConfiguration(clientName: configuration.clientName,
                                     tls: .opportunistic(.custom { _ in .accept }, serverName: sni), timeouts: configuration.timeouts)
        return try await SMTPClient(configuration: smtp).probe(host: host, port: configuration.port, resolver: resolver)
    }

    private func addresses(of host: String) async -> ([String], DNSSECStatus?) {
        var addresses: [String] = []
        var status: DNSSECStatus?
        for type in [RecordType.a, .aaaa] {
            guard let answer = try? await resolver.resolve(host, type) else { continue }
            if status == nil || !answer.rrset.isEmpty && addresses.isEmpty { status = answer.dnssec }
            addresses += answer.rrset.map(\.data.presentation)
        }
        return (addresses, status)
    }

    private func daneVerdict(_ policy: DANEPolicy, session: SMTPSessionReport?, connectionError: String?, chain: [[UInt8]],
                             mx: MXSet) async -> DANEVerdict {
        switch policy {
        case .bogus(let reason): return .bogus(reason)
        case .notApplicable(let reason): return .noTLSA(reason)
        case .applies(let records):
            guard let session else { return .failed(.handshakeFailed(connectionError ?? "no SMTP session")) }
            guard session.tls != nil else { return .failed(.startTLSNotSupported) }
            return await DANEVerifier(records: records, nextHopDomain: mx.domain).verify(chain: chain, at: now())
        }
    }

    private func mtaSTSVerdict(_ resolution: PolicyResolution, host: String, session: SMTPSessionReport?, chain: [[UInt8]]) async -> MTASTSVerdict {
        guard let policy = resolution.policy else { return .noPolicy(resolution.reason ?? "none") }
        let mode = policy.mode.rawValue
        guard policy.mode != .none else { return .modeNone }
        guard policy.matches(mxHost: host) else { return .hostNotInPolicy(mode: mode, patterns: policy.mx.map(\.text)) }
        guard let session else { return .failed(mode: mode, reason: "no SMTP session") }
        guard session.tls != nil else { return .failed(mode: mode, reason: "STARTTLS not offered (RFC 8461 §4.2)") }
        if let failure = await pkix.failure(chain: chain, host: host, at: now()) {
            return .failed(mode: mode, reason: "certificate not valid for \(host): \(failure)")
        }
        return .validated(mode: mode)
    }

    /// DANE first (RFC 8461 §2), then MTA-STS, then opportunistic TLS (RFC 7435).
    public static func decide(dane: DANEVerdict, danePolicy: DANEPolicy, mtaSTS: MTASTSVerdict, session: SMTPSessionReport?,
                       connectionError: String?) -> (SenderDecision, String) {
        let encrypted = session?.tls != nil
        switch dane {
        case .bogus(let reason):
            return (.deferred, "DNSSEC-bogus: \(reason); defer, never downgrade (RFC 7672 §2.1.1)")
        case .validated(let record):
            return (.verified, "DANE \(record.usage.mnemonic) matched (RFC 7672 §3)")
        case .failed(let failure):
            return (.deferred, "DANE failed: \(failure)")
        case .unusable:
            guard encrypted else { return (.deferred, connectionError ?? "TLS is required with TLSA records, and failed") }
            return (.encryptedOnly, "TLSA records exist but none is usable: TLS without authentication (RFC 7672 §2.2)")
        case .noTLSA(let why):
            guard let session else { return (.deferred, "cannot connect: \(connectionError ?? "unknown")") }
            switch mtaSTS {
            case .validated(let mode):
                return (.verified, "no DANE (\(why)); MTA-STS \(mode): certificate valid for the MX host (RFC 8461 §4)")
            case .failed(let mode, let reason) where mode == "enforce":
                return (.deferred, "MTA-STS enforce: \(reason) (RFC 8461 §5)")
            case .hostNotInPolicy(let mode, _) where mode == "enforce":
                return (.deferred, "MTA-STS enforce: \(mtaSTS) (RFC 8461 §4.1)")
            case .failed, .hostNotInPolicy:
                let how = session.tls != nil ? "TLS without authentication" : "plaintext"
                return (session.tls != nil ? .encryptedOnly : .plaintextAllowed,
                        "MTA-STS testing reports \(mtaSTS.description); delivery goes on in \(how) (RFC 8461 §5)")
            case .noPolicy, .modeNone:
                if encrypted {
                    return (.encryptedOnly, "no DANE (\(why)), no MTA-STS policy in force: opportunistic TLS (RFC 7435)")
                }
                return (.plaintextAllowed, "no DANE (\(why)), no MTA-STS policy in force, no STARTTLS offered")
            }
        }
    }
}
