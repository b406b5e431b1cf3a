import Foundation
import TestSupport
import Testing

/// `stockade init` on a configuration for ee.dane.test (its MX certificate from the lab CA), then `stockade check --expect`
/// comparing the fragment with what the lab publishes.
@Suite("stockade init")
struct InitCommandTests {
    func configuration() throws -> String {
        let lab = try labVariable("STOCKADE_LAB_DIR")
        let json = """
            {"domains": [{"name": "ee.dane.test", "kind": "provider"}],
             "tls": {"certificates": [{"hosts": ["mx.ee.dane.test"], "certificate": "\(lab)/ca/mx.ee.dane.test.pem", "key": "\(lab)/ca/mx.ee.dane.test.key"}]},
             "mtaSTS": [{"domain": "ee.dane.test", "mode": "enforce", "mx": ["mx.ee.dane.test"], "maxAge": 604800}],
             "reportInbox": {"domains": ["ee.dane.test"], "addresses": ["reports@ee.dane.test"]}}
            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("init-\(UUID().uuidString).json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The SHA-256 of the certificate's SubjectPublicKeyInfo, by OpenSSL.
    func spkiSHA256(_ pem: String) throws -> String {
        let script = "openssl x509 -in '\(pem)' -pubkey -noout | openssl pkey -pubin -outform der | sha256sum | cut -c1-64"
        return String(decoding: try runTool("sh", ["-c", script]), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func printsTheFragmentAndCheckComparesIt() throws {
        let lab = try labVariable("STOCKADE_LAB_DIR")
        let result = try CLI.run(["init", "ee.dane.test", "--config", try configuration(), "--address", "127.0.8.1", "--caa-issuer", "ca.example"])
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n").map(String.init)
        let id = try #require(lines.first { $0.hasPrefix("_mta-sts.ee.dane.test. 3600 IN TXT \"v=STSv1; id=") })
        #expect(lines == [
            "; Records for ee.dane.test, from the configuration of stockade serve (stockade init)",
            "; Mail exchangers (RFC 5321 §5.1)",
            "ee.dane.test. 3600 IN MX 10 mx.ee.dane.test.",
            "; DANE-EE for mx.ee.dane.test: SHA-256 of its public key (RFC 7672 §3.1.1); the zone must be DNSSEC-signed",
            "_25._tcp.mx.ee.dane.test. 3600 IN TLSA 3 1 1 \(try spkiSHA256("\(lab)/ca/mx.ee.dane.test.pem"))",
            "; SPF: mail from this domain leaves through its MX hosts only (RFC 7208 §5.4)",
            "ee.dane.test. 3600 IN TXT \"v=spf1 mx -all\"",
            "; DMARC starts at p=none: read the aggregate reports, then move to p=quarantine and p=reject (RFC 9989 §4.7)",
            "_dmarc.ee.dane.test. 3600 IN TXT \"v=DMARC1; p=none; rua=mailto:reports@ee.dane.test\"",
            "; MTA-STS: the id changes with the policy (RFC 8461 §3.1)",
            id,
            "; the MTA-STS policy host (RFC 8461 §3.3)",
            "mta-sts.ee.dane.test. 3600 IN A 127.0.8.1",
            "; TLS reports (RFC 8460 §3)",
            "_smtp._tls.ee.dane.test. 3600 IN TXT \"v=TLSRPTv1; rua=mailto:reports@ee.dane.test\"",
            "; CAA: only the CA in use may issue (RFC 8659 §4.2)",
            "ee.dane.test. 3600 IN CAA 0 issue \"ca.example\"",
            "; the WKD host of the advanced method (draft-koch-openpgp-webkey-service §3.1)",
            "openpgpkey.ee.dane.test. 3600 IN A 127.0.8.1",
        ])
        // The policy id is the one `stockade mta-sts record` prints for the same policy.
        let record = try CLI.run(["mta-sts", "record", "ee.dane.test", "--mode", "enforce", "--mx", "mx.ee.dane.test", "--max-age", "604800",
                                  "--resolver", try CLI.labResolver()])
        #expect(id.hasSuffix(String(record.output.dropFirst("_mta-sts.ee.dane.test. IN TXT ".count)).trimmingCharacters(in: .newlines)))

        let fragment = FileManager.default.temporaryDirectory.appendingPathComponent("fragment-\(UUID().uuidString).zone").path
        try Data(result.output.utf8).write(to: URL(fileURLWithPath: fragment))
        let check = try CLI.run(["check", "ee.dane.test", "--expect", fragment, "--json", "--ca-file", try labVariable("STOCKADE_LAB_CA"),
                                 "--resolver", try CLI.labResolver()])
        #expect(check.status == 1)
        struct Report: Decodable { struct Finding: Decodable { let area, severity, id, message: String }; let findings: [Finding] }
        let report = try JSONDecoder().decode(Report.self, from: Data(check.output.utf8))
        #expect(report.findings.filter { $0.area == "publication" }.map { "\($0.severity) \($0.id)" } == [
            "ok published", "ok published", "error published-missing", "error published-missing", "error published-missing",
            "error published-missing", "error published-missing", "error published-missing", "error published-missing",
        ])
        #expect(report.findings.filter { $0.area == "publication" }.first?.message == "ee.dane.test. MX 10 mx.ee.dane.test. is published")
    }

    @Test func refusesAMalformedFragment() throws {
        let fragment = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).zone").path
        try Data("relative.name 3600 IN A 192.0.2.1\n".utf8).write(to: URL(fileURLWithPath: fragment))
        let check = try CLI.run(["check", "ee.dane.test", "--expect", fragment, "--resolver", try CLI.labResolver()])
        #expect(check.status == 64)
        #expect(check.error.contains("line 1: relative.name is not an absolute domain name"))
    }
}
