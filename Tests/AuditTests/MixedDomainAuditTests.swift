import Audit
import Testing

/// `stockade check audit.test`: the lab domain built half right and half wrong (lab/zones/audit.test.zone), one
/// finding per record, asserted exactly.
@Suite("audit of audit.test")
struct MixedDomainAuditTests {
    let report: AuditReport

    init() async throws {
        report = try await LabAudit.audit("audit.test", dkimSelectors: ["s1", "bad", "missing"])
    }

    @Test func dnssecOfTheZoneAndEachMX() {
        #expect(LabAudit.lines(report, .dnssec) == [
            "ok dnssec-signed: audit.test is DNSSEC-signed and validates (RFC 4035 §4.3)",
            "ok dnssec-mx-signed: the addresses of mx.ee.dane.test are DNSSEC-signed (RFC 7672 §2.2.2)",
            "ok dnssec-mx-signed: the addresses of mx.audit.test are DNSSEC-signed (RFC 7672 §2.2.2)",
        ])
    }

    @Test func mxHostsStartTLSAndCertificates() {
        #expect(LabAudit.lines(report, .mx) == ["ok mx-present: MX: 10 mx.ee.dane.test, 20 mx.audit.test (RFC 5321 §5.1)"])
        #expect(LabAudit.lines(report, .starttls) == [
            "ok starttls-offered: mx.ee.dane.test offers STARTTLS (TLSv1.3) (RFC 3207 §4)",
            "ok certificate-valid: the certificate of mx.ee.dane.test is valid for its name (RFC 6125 §6)",
            "error starttls-missing: mx.audit.test does not offer STARTTLS: mail to it travels in plaintext (RFC 3207 §4)",
        ])
    }

    @Test func daneAndTheSenderDecision() {
        #expect(LabAudit.lines(report, .dane) == [
            "ok dane-validated: mx.ee.dane.test: TLSA DANE-EE(3) matches the certificate (RFC 7672 §3)",
            "ok delivery-verified: a DANE and MTA-STS sender to mx.ee.dane.test: verified: DANE DANE-EE(3) matched (RFC 7672 §3)",
            "warning dane-no-tlsa: mx.audit.test is DNSSEC-signed but publishes no TLSA record (no TLSA records for mx.audit.test "
                + "(DNSSEC-secure denial)) (RFC 7672 §2.2)",
            "error delivery-plaintext-allowed: a DANE and MTA-STS sender to mx.audit.test: plaintext-allowed: no DANE (no TLSA records for "
                + "mx.audit.test (DNSSEC-secure denial)), no MTA-STS policy in force, no STARTTLS offered (RFC 8461 §2)",
        ])
    }

    @Test func mtaSTSPolicyHostWithoutItsCertificate() throws {
        let findings = report.findings(in: .mtaSTS)
        #expect(findings.count == 2)
        #expect(LabAudit.lines(report, .mtaSTS).first == "ok mta-sts-record: _mta-sts.audit.test: id=audit1 (RFC 8461 §3.1)")
        let policy = try #require(findings.last)
        #expect(policy.severity == .error)
        #expect(policy.id == "mta-sts-policy-certificate")
        #expect(policy.reference == "RFC 8461 §3.3")
        #expect(policy.message.hasPrefix(
            "the policy of audit.test cannot be used: fetching https://mta-sts.audit.test/.well-known/mta-sts.txt: TLS with mta-sts.audit.test failed"))
    }

    @Test func tlsrpt() {
        #expect(LabAudit.lines(report, .tlsrpt) == ["ok tlsrpt-record: TLS reports go to mailto:tlsrpt@audit.test (RFC 8460 §3)"])
    }

    @Test func spfVoidLookupAndNeutralAll() {
        #expect(LabAudit.lines(report, .spf) == [
            "ok spf-record: audit.test: v=spf1 mx a:nothing.audit.test include:_spf.audit.test ?all (RFC 7208 §4.5)",
            "warning spf-void-lookup: a:nothing.audit.test: nothing.audit.test has no records (a void lookup) (RFC 7208 §4.6.4)",
            "ok spf-lookups: 3 of 10 DNS-querying terms (RFC 7208 §4.6.4)",
            "warning spf-neutral-all: ?all: other senders get neutral, which protects nothing (RFC 7208 §5.1)",
        ])
    }

    @Test func dmarcPolicyNoneAndAnUnauthorizedDestination() {
        #expect(LabAudit.lines(report, .dmarc) == [
            "ok dmarc-record: _dmarc.audit.test: v=DMARC1; p=none; rua=mailto:dmarc@audit.test,mailto:dmarc@mail.test (RFC 9989 §4.7)",
            "warning dmarc-policy-none: p=none: failing mail is delivered; move to quarantine, then reject (RFC 9989 §4.7)",
            "ok dmarc-rua: aggregate reports go to mailto:dmarc@audit.test (RFC 9990 §3)",
            "error dmarc-rua-unauthorized: mailto:dmarc@mail.test gets no reports: audit.test._report._dmarc.mail.test does not exist: "
                + "mail.test has not agreed to receive reports for audit.test (RFC 9990 §4)",
        ])
    }

    @Test func dkimSelectors() {
        #expect(LabAudit.lines(report, .dkim) == [
            "ok dkim-key: s1._domainkey.audit.test: ed25519 key (RFC 6376 §3.6.1)",
            "error dkim-key-invalid: bad._domainkey.audit.test: key record p= is not base64 (RFC 6376 §3.6.1)",
            "error dkim-selector-missing: no key record at missing._domainkey.audit.test: signatures with s=missing fail (RFC 6376 §3.6.2.2)",
        ])
    }

    @Test func caaForTheMXAndPolicyHosts() {
        #expect(LabAudit.lines(report, .caa) == [
            "info caa-none: mx.ee.dane.test: no CAA records, any CA may issue (RFC 8659 §3)",
            "ok caa-present: mx.audit.test: only ca.example may issue (CAA at audit.test) (RFC 8659 §4.2)",
            "ok caa-present: mta-sts.audit.test: only ca.example may issue (CAA at audit.test) (RFC 8659 §4.2)",
            "ok caa-present: openpgpkey.audit.test: only ca.example may issue (CAA at audit.test) (RFC 8659 §4.2)",
        ])
    }

    @Test func wkdAdvancedHostWithoutItsCertificate() throws {
        let finding = try #require(report.findings(in: .wkd).first)
        #expect(report.findings(in: .wkd).count == 1)
        #expect(finding.severity == .error)
        #expect(finding.id == "wkd-unreachable")
        #expect(finding.message.hasPrefix("https://openpgpkey.audit.test/.well-known/openpgpkey/audit.test/policy: TLS with openpgpkey.audit.test failed"))
    }

    @Test func gradesPerArea() {
        #expect(report.grades.map { "\($0.area.rawValue)=\($0.grade.rawValue)" } == [
            "dnssec=pass", "mx=pass", "starttls=fail", "dane=fail", "mta-sts=fail", "tlsrpt=pass", "spf=warn", "dmarc=fail",
            "dkim=fail", "caa=pass", "wkd=fail",
        ])
    }
}
