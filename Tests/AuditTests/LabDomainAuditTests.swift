import Audit
import Foundation
import TestSupport
import Testing

/// The audit on lab domains built good or bad in one known way each (the SPF names of audit.test, and the zones
/// mail.test, dane.test, web.test, tlsrpt.test, caa.test, expired.test, insecure.test): the area that case is about,
/// asserted exactly.
@Suite("audit of lab domains, one case each")
struct LabDomainAuditTests {
    func lines(_ domain: String, _ area: Area) async throws -> [String] {
        LabAudit.lines(try await LabAudit.audit(domain), area)
    }

    @Test("RFC 7208 §5.1: +all lets anyone send")
    func plusAll() async throws {
        #expect(try await lines("plusall.audit.test", .spf) == [
            "ok spf-record: plusall.audit.test: v=spf1 +all (RFC 7208 §4.5)",
            "ok spf-lookups: 0 of 10 DNS-querying terms (RFC 7208 §4.6.4)",
            "error spf-plus-all: +all: every host on the Internet may send as plusall.audit.test (RFC 7208 §5.1)",
        ])
    }

    @Test("RFC 7208 §4.6.4: eleven DNS-querying terms are a permerror")
    func tooManyLookups() async throws {
        let found = try await lines("lookups.audit.test", .spf)
        #expect(found.dropFirst().elementsEqual([
            "error spf-too-many-lookups: 11 DNS-querying terms, more than 10: receivers get permerror (RFC 7208 §4.6.4)",
            "ok spf-fail-all: -all: other senders fail (RFC 7208 §5.1)",
        ]))
    }

    @Test("RFC 7208 §4.6.4: three void lookups are a permerror")
    func voidLookups() async throws {
        #expect(try await lines("voids.audit.test", .spf) == [
            "ok spf-record: voids.audit.test: v=spf1 a:v1.audit.test a:v2.audit.test a:v3.audit.test -all (RFC 7208 §4.5)",
            "warning spf-void-lookup: a:v1.audit.test: v1.audit.test has no records (a void lookup) (RFC 7208 §4.6.4)",
            "warning spf-void-lookup: a:v2.audit.test: v2.audit.test has no records (a void lookup) (RFC 7208 §4.6.4)",
            "warning spf-void-lookup: a:v3.audit.test: v3.audit.test has no records (a void lookup) (RFC 7208 §4.6.4)",
            "ok spf-lookups: 3 of 10 DNS-querying terms (RFC 7208 §4.6.4)",
            "error spf-void-lookups: 3 void lookups, more than 2: receivers get permerror (RFC 7208 §4.6.4)",
            "ok spf-fail-all: -all: other senders fail (RFC 7208 §5.1)",
        ])
    }

    @Test("RFC 7208 §4.5: two SPF records; §5.2: an include without a record")
    func brokenRecords() async throws {
        #expect(try await lines("twospf.audit.test", .spf) == ["error spf-multiple: 2 SPF records at twospf.audit.test: permerror (RFC 7208 §4.5)"])
        #expect(try await lines("missinginclude.audit.test", .spf) == [
            "ok spf-record: missinginclude.audit.test: v=spf1 include:nothing.audit.test -all (RFC 7208 §4.5)",
            "error spf-include-missing: include:nothing.audit.test: nothing.audit.test has no SPF record: permerror (RFC 7208 §5.2)",
            "ok spf-lookups: 1 of 10 DNS-querying terms (RFC 7208 §4.6.4)",
            "ok spf-fail-all: -all: other senders fail (RFC 7208 §5.1)",
        ])
    }

    @Test("mail.test: good SPF, p=reject with a weaker sp and no rua, no MX (implicit)")
    func mailTest() async throws {
        let report = try await LabAudit.audit("mail.test")
        #expect(LabAudit.lines(report, .spf) == [
            "ok spf-record: mail.test: v=spf1 ip4:192.0.2.10 -all (RFC 7208 §4.5)",
            "ok spf-lookups: 0 of 10 DNS-querying terms (RFC 7208 §4.6.4)",
            "ok spf-fail-all: -all: other senders fail (RFC 7208 §5.1)",
        ])
        #expect(LabAudit.lines(report, .dmarc) == [
            "ok dmarc-record: _dmarc.mail.test: v=DMARC1; p=reject; sp=quarantine; np=reject (RFC 9989 §4.7)",
            "ok dmarc-policy-reject: p=reject: failing mail is refused (RFC 9989 §4.7)",
            "warning dmarc-subdomain-weaker: sp=quarantine is weaker than p=reject (RFC 9989 §4.7)",
            "warning dmarc-no-rua: no rua: nobody receives aggregate reports (RFC 9990 §3)",
        ])
        #expect(LabAudit.lines(report, .mx) == ["warning mx-implicit: mail.test has no MX records: senders use its own address (RFC 5321 §5.1)"])
    }

    @Test("dane.test: DANE-EE validated, and a TLSA record naming another key")
    func dane() async throws {
        #expect(try await lines("ee.dane.test", .dane) == [
            "ok dane-validated: mx.ee.dane.test: TLSA DANE-EE(3) matches the certificate (RFC 7672 §3)",
            "ok delivery-verified: a DANE and MTA-STS sender to mx.ee.dane.test: verified: DANE DANE-EE(3) matched (RFC 7672 §3)",
        ])
        #expect(try await lines("mismatch.dane.test", .dane) == [
            "error dane-failed: mx.mismatch.dane.test: no usable TLSA record matches the server's certificate chain (RFC 7672 §3)",
            "error delivery-defer: a DANE and MTA-STS sender to mx.mismatch.dane.test: defer: DANE failed: no usable TLSA record matches "
                + "the server's certificate chain (RFC 8461 §2)",
        ])
    }

    @Test("MTA-STS: enforce with a short max_age (sts.dane.test), testing (testing.web.test)")
    func mtaSTS() async throws {
        #expect(try await lines("sts.dane.test", .mtaSTS) == [
            "ok mta-sts-record: _mta-sts.sts.dane.test: id=sts1 (RFC 8461 §3.1)",
            "ok mta-sts-enforce: policy mode enforce (RFC 8461 §5)",
            "warning mta-sts-max-age-short: max_age 86400 is under a week; RFC 8461 expects weeks or more (RFC 8461 §3.2)",
            "ok mta-sts-mx-covered: every MX host matches the policy's mx patterns (RFC 8461 §4.1)",
        ])
        #expect(try await lines("testing.web.test", .mtaSTS).contains(
            "warning mta-sts-testing: policy mode testing: failures are only reported (RFC 8461 §5)"))
    }

    @Test("RFC 8460 §3: two TLSRPT records")
    func tlsrpt() async throws {
        #expect(try await lines("two.tlsrpt.test", .tlsrpt) == [
            "error tlsrpt-invalid: _smtp._tls.two.tlsrpt.test: 2 TXT records begin with v=TLSRPTv1; exactly one is allowed (RFC 8460 §3)",
        ])
    }

    @Test("DNSSEC: an unsigned zone and one with expired signatures")
    func dnssec() async throws {
        #expect(try await lines("insecure.test", .dnssec) == [
            "warning dnssec-unsigned: insecure.test is not DNSSEC-signed: DANE cannot protect its mail (RFC 7672 §2.2)",
            "warning dnssec-mx-unsigned: the addresses of mx.insecure.test are not DNSSEC-signed: no DANE for it (RFC 7672 §2.2.2)",
        ])
        let expired = try await LabAudit.audit("expired.test")
        #expect(expired.findings(in: .dnssec).map(\.id) == ["dnssec-bogus"])
        #expect(expired.findings(in: .dnssec).first?.message.hasPrefix("answers for expired.test fail DNSSEC validation (7 (Signature Expired)") == true)
        #expect(expired.findings(in: .mx).map(\.id) == ["mx-bogus"])
    }

    @Test("RFC 8659 §4.1: a critical unknown CAA tag forbids all issuance")
    func caaCritical() async throws {
        #expect(try await lines("critical.caa.test", .caa) == [
            "warning caa-critical-unknown: critical.caa.test: the critical unknown tag \"tbs\" forbids all issuance (RFC 8659 §4.1)",
        ])
    }

    @Test("WKD: the advanced method's policy file without a CORS header (adv.web.test); no WKD at all (mail.test)")
    func wkd() async throws {
        let root = try labVariable("STOCKADE_LAB_HTTPS_ROOT")
        let folder = "\(root)/openpgpkey.adv.web.test/.well-known/openpgpkey/adv.web.test"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: "\(folder)/policy"))
        let url = "https://openpgpkey.adv.web.test/.well-known/openpgpkey/adv.web.test/policy"
        #expect(try await lines("adv.web.test", .wkd) == [
            "ok wkd-policy: policy file at \(url) (advanced method) (draft-koch-openpgp-webkey-service §4.5)",
            "warning wkd-no-cors: \(url) lacks Access-Control-Allow-Origin: *; web clients cannot read it (draft-koch-openpgp-webkey-service §3.1)",
        ])
        #expect(try await lines("mail.test", .wkd).map { $0.prefix(26) } == ["info wkd-none: no WKD: can"])
    }
}
