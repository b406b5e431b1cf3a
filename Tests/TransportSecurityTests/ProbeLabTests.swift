import DANE
import DNS
import Foundation
import SMTP
import TestSupport
import Testing
import TransportSecurity

/// Every DANE case of the lab through the prober, with the verdict and the decision a DANE + MTA-STS sender reaches.
/// Against real Postfix smtpd hosts, nsd and a validating unbound; fails, never skips, without the lab.
@Suite("smtp probe (lab)", .serialized)
struct ProbeLabTests {
    struct Case: Sendable, CustomStringConvertible {
        let domain: String
        let host: String
        let verdict: String
        let tlsrpt: String?
        let decision: SenderDecision
        var description: String { domain }
    }

    static let cases: [Case] = [
        Case(domain: "ee.dane.test", host: "mx.ee.dane.test", verdict: "validated", tlsrpt: nil, decision: .verified),
        Case(domain: "ta.dane.test", host: "mx.ta.dane.test", verdict: "validated", tlsrpt: nil, decision: .verified),
        Case(domain: "takey.dane.test", host: "mx.takey.dane.test", verdict: "validated", tlsrpt: nil, decision: .verified),
        Case(domain: "mismatch.dane.test", host: "mx.mismatch.dane.test", verdict: "failed", tlsrpt: "validation-failure", decision: .deferred),
        Case(domain: "expired.dane.test", host: "mx.expired.dane.test", verdict: "validated", tlsrpt: nil, decision: .verified),
        Case(domain: "unusable.dane.test", host: "mx.unusable.dane.test", verdict: "unusable", tlsrpt: "tlsa-invalid", decision: .encryptedOnly),
        Case(domain: "nostarttls.dane.test", host: "mx.nostarttls.dane.test", verdict: "failed", tlsrpt: "starttls-not-supported", decision: .deferred),
        Case(domain: "bogus.dane.test", host: "mx.bogus.dane.test", verdict: "bogus", tlsrpt: "dnssec-invalid", decision: .deferred),
        Case(domain: "cname.dane.test", host: "mx.cname.dane.test", verdict: "validated", tlsrpt: nil, decision: .verified),
        Case(domain: "daneless.insecure.test", host: "mx.daneless.insecure.test", verdict: "no-tlsa", tlsrpt: nil, decision: .encryptedOnly),
        Case(domain: "danehost.insecure.test", host: "mx.ee.dane.test", verdict: "validated", tlsrpt: nil, decision: .verified),
        Case(domain: "sts.dane.test", host: "mx.sts.dane.test", verdict: "no-tlsa", tlsrpt: nil, decision: .verified),
    ]

    @Test("verdict and decision per lab case", arguments: cases)
    func labCase(_ expected: Case) async throws {
        let lab = try LabMTA()
        let report = try await lab.prober().probe(domain: expected.domain)
        let host = try #require(report.hosts.first, "no MX host for \(expected.domain)")
        #expect(report.hosts.count == 1)
        #expect(host.host.name == expected.host)
        #expect(host.dane.name == expected.verdict, "\(host.dane)")
        #expect(host.dane.tlsrptResultType == expected.tlsrpt)
        #expect(host.decision == expected.decision, "\(host.reason)")
        #expect(report.decision == expected.decision)
    }

    @Test("RFC 7672 §3.1.1: DANE-EE matched by the published 3 1 1 record, TLS 1.2+ and the chain reported")
    func daneEEDetails() async throws {
        let lab = try LabMTA()
        let report = try await lab.prober().probe(domain: "ee.dane.test")
        let host = try #require(report.hosts.first)
        let leaf = try lab.certificate("mx.ee.dane.test")
        #expect(host.dane == .validated(try leaf.tlsaRecord().smtpUsability.get()))
        #expect(host.addresses == ["127.0.7.1"])
        #expect(host.addressDNSSEC == .secure)
        #expect(report.mx.dnssec == .secure)
        #expect(host.startTLSOffered)
        #expect(["TLSv1.2", "TLSv1.3"].contains(host.session?.tls?.version ?? ""))
        #expect(host.certificates.first?.dnsNames == ["mx.ee.dane.test"])
        #expect(host.mtaSTS.name == "no-policy")
    }

    @Test("RFC 7672 §2.2.3: TLSA records at the CNAME-expanded name win; SNI and base domain are that name")
    func cnameBaseDomain() async throws {
        let lab = try LabMTA()
        let report = try await lab.prober().probe(domain: "cname.dane.test")
        let host = try #require(report.hosts.first)
        guard case .applies(let records) = host.danePolicy else {
            Issue.record("DANE should apply: \(host.danePolicy)")
            return
        }
        #expect(records.baseDomain == "target.cname.dane.test")
        #expect(records.hostName == "mx.cname.dane.test")
    }

    @Test("RFC 7672 §2.2: unusable records are each reported with their reason")
    func unusableReasons() async throws {
        let lab = try LabMTA()
        let report = try await lab.prober().probe(domain: "unusable.dane.test")
        guard case .applies(let records) = try #require(report.hosts.first).danePolicy else {
            Issue.record("DANE should apply")
            return
        }
        #expect(records.usable.isEmpty)
        let reasons = Set(records.unusable.map(\.reason))
        #expect(reasons.contains(.pkixUsage(1)))
        #expect(reasons.contains(.pkixUsage(0)))
        #expect(reasons.contains(.wrongDigestLength(matchingType: 1, expected: 32, actual: 16)))
        #expect(reasons.contains(.unknownMatchingType(3)))
    }

    @Test("RFC 7672 §2.2.1: a bogus MX RRset defers the whole domain without contacting anyone")
    func bogusMX() async throws {
        let lab = try LabMTA()
        let report = try await lab.prober().probe(domain: "bogusmx.dane.test")
        guard case .bogus = report.mx.dnssec else {
            Issue.record("MX should be bogus: \(report.mx.dnssec)")
            return
        }
        #expect(report.hosts.isEmpty)
        #expect(report.decision == .deferred)
    }

    @Test("An insecure MX RRset still enforces the host's secure TLSA records (Postfix dane insecure-MX policy)")
    func insecureMXSecureHost() async throws {
        let lab = try LabMTA()
        let report = try await lab.prober().probe(domain: "danehost.insecure.test")
        #expect(report.mx.dnssec == .insecure)
        #expect(report.hosts.first?.dane.name == "validated")
    }
}
