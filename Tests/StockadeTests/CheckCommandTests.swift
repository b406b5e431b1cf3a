import Foundation
import TestSupport
import Testing

/// `stockade check` as a user runs it, and side by side with checkdmarc 6.x (PyPI) on the same lab domains.
@Suite("stockade check")
struct CheckCommandTests {
    func check(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["check"] + arguments + ["--ca-file", try labVariable("STOCKADE_LAB_CA"), "--resolver", try CLI.labResolver()])
    }

    struct Report: Decodable {
        struct Finding: Decodable { let area, severity, id, message, reference: String }
        let domain, overall: String
        let grades: [String: String]
        let findings: [Finding]
    }

    @Test func jsonAndExitStatus() throws {
        let result = try check(["audit.test", "--json", "--dkim-selector", "s1"])
        #expect(result.status == 1)
        let report = try JSONDecoder().decode(Report.self, from: Data(result.output.utf8))
        #expect(report.domain == "audit.test")
        #expect(report.overall == "fail")
        #expect(report.grades == ["dnssec": "pass", "mx": "pass", "starttls": "fail", "dane": "fail", "mta-sts": "fail", "tlsrpt": "pass",
                                  "spf": "warn", "dmarc": "fail", "dkim": "pass", "caa": "pass", "wkd": "fail"])
        #expect(report.findings.first.map { "\($0.area) \($0.severity) \($0.id) \($0.reference)" } == "dnssec ok dnssec-signed RFC 4035 §4.3")
    }

    @Test func htmlPage() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).html").path
        let result = try check(["audit.test", "--html", path])
        #expect(result.status == 1)
        #expect(result.output.isEmpty)
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.contains("<title>Audit of audit.test · Stockade</title>"))
        #expect(html.contains("<p id=\"overall\">Overall: <b class=\"grade-fail\">fail</b>"))
        #expect(html.contains("<tr class=\"finding severity-warning\" data-id=\"spf-neutral-all\"><td class=\"severity\">warning</td>"
                              + "<td class=\"message\">?all: other senders get neutral, which protects nothing</td><td class=\"reference\">RFC 7208 §5.1</td></tr>"))
        #expect(try check(["audit.test", "--html", path, "--json"]).status == 64)
    }

    /// checkdmarc's JSON for `domain`, asked through the lab's resolver on 127.0.5.53:53 (checkdmarc has no port option).
    func checkdmarc(_ domain: String) throws -> [String: Any] {
        let output = try runTool("checkdmarc", ["-n", "127.0.5.53", "--skip-tls", domain])
        return try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
    }

    /// Every SPF, DMARC and MX finding checkdmarc makes is made by Stockade too, or named here with the reason.
    @Test("side by side with checkdmarc", arguments: [
        "audit.test", "voids.audit.test", "lookups.audit.test", "plusall.audit.test", "twospf.audit.test", "missinginclude.audit.test",
        "mail.test", "two.tlsrpt.test",
    ])
    func sideBySideWithCheckdmarc(domain: String) throws {
        let peer = try checkdmarc(domain)
        let ours = try JSONDecoder().decode(Report.self, from: Data(try check([domain, "--json"]).output.utf8))
        func ids(_ area: String) -> [String] { ours.findings.filter { $0.area == area }.map(\.id) }
        func severities(_ area: String) -> [String] { ours.findings.filter { $0.area == area }.map(\.severity) }

        let spf = try #require(peer["spf"] as? [String: Any])
        // An invalid SPF record for checkdmarc is an SPF error for Stockade. Where Stockade differs: +all is valid for
        // checkdmarc, an error for Stockade (it lets every host send as the domain, RFC 7208 §5.1).
        let spfErrors = ours.findings.filter { $0.area == "spf" && $0.severity == "error" && $0.id != "spf-plus-all" }
        #expect((spf["valid"] as? Bool == false) == !spfErrors.isEmpty, "\(domain): \(spf)")
        if (spf["record"] as? String)?.hasSuffix("+all") == true { #expect(ids("spf").contains("spf-plus-all")) }
        if let lookups = spf["dns_lookups"] as? Int, spf["valid"] as? Bool == true {
            #expect(ours.findings.contains { $0.id == "spf-lookups" && $0.message.hasPrefix("\(lookups) of 10") }, "\(domain): \(lookups) lookups")
        }
        if let lookups = spf["dns_lookups"] as? Int, lookups > 10 { #expect(ids("spf").contains("spf-too-many-lookups")) }
        if let voids = spf["void_dns_lookups"] as? Int, voids > 0 {
            // checkdmarc counts a void include target too; Stockade reports it as spf-include-missing (RFC 7208 §5.2).
            #expect(ids("spf").filter { $0 == "spf-void-lookup" || $0 == "spf-include-missing" }.count == voids, "\(domain): \(voids) voids")
        }
        for warning in spf["warnings"] as? [String] ?? [] {
            #expect(severities("spf").contains("warning") || severities("spf").contains("error"), "\(domain): \(warning)")
        }

        let dmarc = try #require(peer["dmarc"] as? [String: Any])
        #expect((dmarc["valid"] as? Bool == false) == severities("dmarc").contains("error") || ids("dmarc").contains("dmarc-rua-unauthorized"),
                "\(domain): \(dmarc)")
        for warning in dmarc["warnings"] as? [String] ?? [] {
            let expected = switch warning {
            case _ where warning.hasPrefix("A p tag value of none"): "dmarc-policy-none"
            case _ where warning.contains("does not indicate that it accepts DMARC reports"): "dmarc-rua-unauthorized"
            case _ where warning.hasPrefix("rua tag (destination for aggregate reports) not found"): "dmarc-no-rua"
            default: "unmapped: \(warning)"
            }
            #expect(ids("dmarc").contains(expected), "\(domain): checkdmarc says \(warning)")
        }

        let mx = try #require(peer["mx"] as? [String: Any])
        let hosts = (mx["hosts"] as? [[String: Any]] ?? []).compactMap { $0["hostname"] as? String }
        if !hosts.isEmpty {
            #expect(ours.findings.contains { $0.id == "mx-present" && $0.message.contains(hosts.joined(separator: ", ").isEmpty ? "" : hosts[0]) })
        }
        for warning in mx["warnings"] as? [String] ?? [] {
            if warning.contains("has no MX records") {
                #expect(ids("mx").contains("mx-implicit"), "\(domain): \(warning)")
            } else if warning.contains("does not have any reverse DNS (PTR) records") {
                // Not made by Stockade: no RFC asks a receiving MX host for reverse DNS; PTR matters to the receivers of
                // mail the host sends (and SPF's ptr is deprecated, RFC 7208 §5.5).
                continue
            } else {
                Issue.record("\(domain): checkdmarc MX warning not mapped: \(warning)")
            }
        }
    }
}
