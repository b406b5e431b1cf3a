import DANE
import DNS
import MTASTS
import SMTP
import TransportSecurity

extension DomainAuditor {
    /// MX hosts, their addresses and DNSSEC, STARTTLS, certificates, DANE, the sender's decision (the prober of
    /// `stockade smtp probe`), then the MTA-STS record and policy against the same MX set.
    func transportFindings(_ domain: String, sts: MTASTSResolver) async -> [Finding] {
        var probeConfiguration = TransportProbe.Configuration()
        probeConfiguration.port = configuration.smtpPort
        probeConfiguration.timeouts = SMTPTimeouts(connect: configuration.timeout, greeting: configuration.timeout,
                                                   command: configuration.timeout)
        let probe = TransportProbe(resolver: resolver, mtaSTS: sts, pkix: pkix, configuration: probeConfiguration, now: now)
        let report: DomainReport
        do {
            report = try await probe.probe(domain: domain)
        } catch {
            return [Finding(.mx, .error, "mx-lookup-failed", "no answer for \(domain) MX: \(error.reason)", "RFC 5321 §5.1")]
        }
        var findings = mxFindings(report.mx)
        for host in report.hosts {
            findings += await hostFindings(host, mx: report.mx)
        }
        findings += await mtaSTSFindings(domain, report: report, sts: sts)
        return findings
    }

    private func mxFindings(_ mx: MXSet) -> [Finding] {
        if mx.isNullMX {
            return [Finding(.mx, .info, "mx-null", "\(mx.domain) publishes a null MX: it accepts no mail", "RFC 7505 §3")]
        }
        if case .bogus(let reason) = mx.dnssec {
            return [Finding(.mx, .error, "mx-bogus", "the MX RRset of \(mx.domain) is DNSSEC-bogus (\(reason)): senders defer", "RFC 7672 §2.2.1")]
        }
        if mx.hosts.isEmpty {
            return [Finding(.mx, .error, "mx-none", "no mail host: \(mx.domain) does not exist or its MX lookup failed", "RFC 5321 §5.1")]
        }
        if mx.isImplicit {
            return [Finding(.mx, .warning, "mx-implicit", "\(mx.domain) has no MX records: senders use its own address", "RFC 5321 §5.1")]
        }
        let names = mx.hosts.map { "\($0.preference) \($0.name)" }.joined(separator: ", ")
        return [Finding(.mx, .ok, "mx-present", "MX: \(names)", "RFC 5321 §5.1")]
    }

    private func hostFindings(_ host: HostReport, mx: MXSet) async -> [Finding] {
        let name = host.host.name
        var findings: [Finding] = []
        if host.addresses.isEmpty {
            findings.append(Finding(.mx, .error, "mx-no-address", "\(name) has no A or AAAA record", "RFC 5321 §5.1"))
        }
        switch host.addresses.isEmpty ? nil : host.addressDNSSEC {
        case .secure?: findings.append(Finding(.dnssec, .ok, "dnssec-mx-signed", "the addresses of \(name) are DNSSEC-signed", "RFC 7672 §2.2.2"))
        case .insecure?:
            findings.append(Finding(.dnssec, .warning, "dnssec-mx-unsigned", "the addresses of \(name) are not DNSSEC-signed: no DANE for it",
                                    "RFC 7672 §2.2.2"))
        case .bogus(let reason)?:
            findings.append(Finding(.dnssec, .error, "dnssec-mx-bogus", "the addresses of \(name) are DNSSEC-bogus (\(reason))", "RFC 7672 §2.2.2"))
        case .indeterminate?, nil: break
        }
        findings += await tlsFindings(host)
        findings.append(daneFinding(host))
        findings.append(decisionFinding(host))
        return findings
    }

    private func tlsFindings(_ host: HostReport) async -> [Finding] {
        let name = host.host.name
        if let error = host.connectionError {
            return [Finding(.starttls, .error, "smtp-unreachable", "no SMTP session with \(name): \(error)", "RFC 5321 §3.1")]
        }
        guard let tls = host.session?.tls else {
            return [Finding(.starttls, .error, "starttls-missing", "\(name) does not offer STARTTLS: mail to it travels in plaintext", "RFC 3207 §4")]
        }
        var findings = [Finding(.starttls, .ok, "starttls-offered", "\(name) offers STARTTLS (\(tls.version))", "RFC 3207 §4")]
        if let failure = await pkix.failure(chain: tls.peerCertificates, host: name, at: now()) {
            // Only MTA-STS needs a WebPKI certificate; DANE-EE does not (RFC 7672 §3.1.1).
            findings.append(Finding(.starttls, .warning, "certificate-invalid", "the certificate of \(name) fails PKIX validation: \(failure)",
                                    "RFC 8461 §4.2"))
        } else {
            findings.append(Finding(.starttls, .ok, "certificate-valid", "the certificate of \(name) is valid for its name", "RFC 6125 §6"))
        }
        return findings
    }

    private func daneFinding(_ host: HostReport) -> Finding {
        let name = host.host.name
        switch host.dane {
        case .validated(let record):
            return Finding(.dane, .ok, "dane-validated", "\(name): TLSA \(record.usage.mnemonic) matches the certificate", "RFC 7672 §3")
        case .failed(let failure):
            return Finding(.dane, .error, "dane-failed", "\(name): \(failure)", "RFC 7672 §3")
        case .unusable:
            return Finding(.dane, .warning, "dane-unusable", "\(name): TLSA records exist but none is usable for SMTP", "RFC 7672 §3.1")
        case .bogus(let reason):
            return Finding(.dane, .error, "dane-bogus", "\(name): TLSA lookup is DNSSEC-bogus (\(reason))", "RFC 7672 §2.1.1")
        case .noTLSA(let why):
            if case .secure? = host.addressDNSSEC {
                return Finding(.dane, .warning, "dane-no-tlsa", "\(name) is DNSSEC-signed but publishes no TLSA record (\(why))", "RFC 7672 §2.2")
            }
            return Finding(.dane, .info, "dane-not-applicable", "\(name): DANE does not apply (\(why))", "RFC 7672 §2.2")
        }
    }

    private func decisionFinding(_ host: HostReport) -> Finding {
        let name = host.host.name
        let severity: Severity = switch host.decision {
        case .verified: .ok
        case .encryptedOnly: .warning
        case .deferred, .plaintextAllowed: .error
        }
        return Finding(.dane, severity, "delivery-\(host.decision.rawValue)", "a DANE and MTA-STS sender to \(name): \(host.decision.rawValue): \(host.reason)",
                       Finding.reference(endingOf: host.reason, fallback: "RFC 8461 §2"))
    }

    private func mtaSTSFindings(_ domain: String, report: DomainReport, sts: MTASTSResolver) async -> [Finding] {
        let mx = report.mx
        guard let texts = await txt("_mta-sts.\(domain)") else {
            return [Finding(.mtaSTS, .error, "mta-sts-lookup-failed", "no answer for _mta-sts.\(domain) TXT", "RFC 8461 §3.1")]
        }
        let record: MTASTSRecord
        do {
            record = try MTASTSRecord(parsing: texts.map { [$0] })
        } catch {
            if error == .noRecord {
                return [Finding(.mtaSTS, .warning, "mta-sts-none", "no MTA-STS record at _mta-sts.\(domain): senders may deliver without TLS",
                                "RFC 8461 §3.1")]
            }
            return [Finding(.mtaSTS, .error, "mta-sts-record-invalid", "_mta-sts.\(domain): \(error.reason)", "RFC 8461 §3.1")]
        }
        var findings = [Finding(.mtaSTS, .ok, "mta-sts-record", "_mta-sts.\(domain): id=\(record.id)", "RFC 8461 §3.1")]
        // The prober resolved the policy already: a failure is not asked again (the resolver would back off), a
        // success comes from the MTA-STS resolver's cache.
        let resolution = report.mtaSTSMode == nil ? nil : await sts.resolve(domain)
        guard let policy = resolution?.policy else {
            let reason = resolution?.reason ?? report.mtaSTSReason ?? "no policy"
            let certificate = reason.contains("TLS with")
            return findings + [Finding(.mtaSTS, .error, certificate ? "mta-sts-policy-certificate" : "mta-sts-policy-unavailable",
                                       "the policy of \(domain) cannot be used: \(reason)", "RFC 8461 §3.3")]
        }
        switch policy.mode {
        case .enforce: findings.append(Finding(.mtaSTS, .ok, "mta-sts-enforce", "policy mode enforce", "RFC 8461 §5"))
        case .testing: findings.append(Finding(.mtaSTS, .warning, "mta-sts-testing", "policy mode testing: failures are only reported", "RFC 8461 §5"))
        case .none: findings.append(Finding(.mtaSTS, .warning, "mta-sts-mode-none", "policy mode none: the policy is withdrawn", "RFC 8461 §5"))
        }
        if policy.maxAge < Self.minimumPolicyMaxAge {
            findings.append(Finding(.mtaSTS, .warning, "mta-sts-max-age-short",
                                    "max_age \(policy.maxAge) is under a week; RFC 8461 expects weeks or more", "RFC 8461 §3.2"))
        }
        let uncovered = mx.hosts.filter { !policy.matches(mxHost: $0.name) }
        for host in uncovered {
            findings.append(Finding(.mtaSTS, .error, "mta-sts-mx-uncovered", "MX \(host.name) matches none of the policy's mx patterns",
                                    "RFC 8461 §4.1"))
        }
        if uncovered.isEmpty, !mx.hosts.isEmpty {
            findings.append(Finding(.mtaSTS, .ok, "mta-sts-mx-covered", "every MX host matches the policy's mx patterns", "RFC 8461 §4.1"))
        }
        return findings
    }

    /// The max_age below which the audit warns: one week (RFC 8461 §3.2 expects "weeks or greater").
    static var minimumPolicyMaxAge: Int { 604_800 }
}
