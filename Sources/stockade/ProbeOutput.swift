import DANE
import DNS
import SMTP
import TransportSecurity

/// What `stockade smtp probe` prints, as JSON or text.
struct ProbeOutput: Encodable {
    struct Verdict: Encodable {
        let verdict: String
        let detail: String
        let tlsrptResultType: String?
    }

    struct TLSARecordOutput: Encodable {
        let record: String
        let usable: Bool
        let reason: String?
    }

    struct Host: Encodable {
        let name: String
        let preference: UInt16
        let addresses: [String]
        let addressDNSSEC: String?
        let tlsaBaseDomain: String?
        let tlsa: [TLSARecordOutput]
        let startTLSOffered: Bool
        let tlsVersion: String?
        let cipherSuite: String?
        let certificates: [CertificateSummary]
        let connectionError: String?
        let dane: Verdict
        let mtaSTS: Verdict
        let decision: String
        let reason: String
    }

    let domain: String
    let mxDNSSEC: String
    let implicitMX: Bool
    let mtaSTSMode: String?
    let mtaSTSReason: String?
    let hosts: [Host]
    let decision: String
    let reason: String

    init(_ report: DomainReport) {
        domain = report.mx.domain
        mxDNSSEC = report.mx.dnssec.description
        implicitMX = report.mx.isImplicit
        mtaSTSMode = report.mtaSTSMode
        mtaSTSReason = report.mtaSTSReason
        decision = report.decision.rawValue
        reason = report.reason
        hosts = report.hosts.map { host in
            var base: String?
            var records: [TLSARecordOutput] = []
            if case .applies(let dane) = host.danePolicy {
                base = dane.baseDomain
                records = dane.usable.map { TLSARecordOutput(record: $0.description, usable: true, reason: nil) }
                    + dane.unusable.map { TLSARecordOutput(record: $0.recordText, usable: false,
                                                           reason: $0.reason.description) }
            }
            return Host(name: host.host.name, preference: host.host.preference, addresses: host.addresses,
                        addressDNSSEC: host.addressDNSSEC?.description, tlsaBaseDomain: base, tlsa: records,
                        startTLSOffered: host.startTLSOffered, tlsVersion: host.session?.tls?.version,
                        cipherSuite: host.session?.tls?.cipherSuite, certificates: host.certificates,
                        connectionError: host.connectionError,
                        dane: Verdict(verdict: host.dane.name, detail: host.dane.description,
                                      tlsrptResultType: host.dane.tlsrptResultType),
                        mtaSTS: Verdict(verdict: host.mtaSTS.name, detail: host.mtaSTS.description, tlsrptResultType: nil),
                        decision: host.decision.rawValue, reason: host.reason)
        }
    }

    var text: String {
        var lines = [
            "domain     \(domain) (MX \(mxDNSSEC)\(implicitMX ? ", implicit MX" : ""))",
            "MTA-STS    \(mtaSTSMode ?? "no policy\(mtaSTSReason.map { " (\($0))" } ?? "")")",
            "decision   \(decision): \(reason)",
        ]
        for host in hosts {
            lines.append("")
            lines.append("\(host.name) (preference \(host.preference))")
            lines.append("  addresses   \(host.addresses.isEmpty ? "none" : host.addresses.joined(separator: ", ")) (\(host.addressDNSSEC ?? "unknown"))")
            if let base = host.tlsaBaseDomain {
                lines.append("  TLSA        _25._tcp.\(base) (secure)")
                for record in host.tlsa {
                    lines.append("              \(record.record)  \(record.usable ? "usable" : "unusable: \(record.reason ?? "")")")
                }
            }
            if let error = host.connectionError {
                lines.append("  connection  \(error)")
            } else if let version = host.tlsVersion {
                lines.append("  STARTTLS    offered; \(version) \(host.cipherSuite ?? "")")
            } else {
                lines.append("  STARTTLS    not offered")
            }
            for (index, certificate) in host.certificates.enumerated() {
                lines.append("  cert[\(index)]     \(certificate.subject); issuer \(certificate.issuer); names \(certificate.dnsNames.joined(separator: ",")); "
                             + "valid \(certificate.notBefore) to \(certificate.notAfter); SPKI sha256 \(certificate.spkiSHA256)")
            }
            lines.append("  DANE        \(host.dane.detail)\(host.dane.tlsrptResultType.map { " [TLSRPT \($0)]" } ?? "")")
            lines.append("  MTA-STS     \(host.mtaSTS.detail)")
            lines.append("  decision    \(host.decision): \(host.reason)")
        }
        return lines.joined(separator: "\n")
    }
}
