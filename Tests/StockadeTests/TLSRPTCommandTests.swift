import Foundation
import TestSupport
import Testing

/// `stockade tlsrpt parse` on report files and `stockade tlsrpt record` against the lab's resolver.
@Suite("stockade tlsrpt")
struct TLSRPTCommandTests {
    /// A file in the TLSRPT library's test fixtures.
    func fixturePath(_ name: String, filePath: String = #filePath) -> String {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TLSRPTTests/Fixtures/\(name)").path
    }

    func temporaryFile(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tlsrpt-\(UUID().uuidString).json").path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func parsePrintsTheReportAsJSON() throws {
        let result = try CLI.run(["tlsrpt", "parse", fixturePath("google-shaped-mail.eml"), "--json"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == """
            {
              "accepted" : true,
              "date-range" : {
                "end" : "2026-12-03T23:59:59Z",
                "start" : "2026-12-03T00:00:00Z"
              },
              "deviations" : [

              ],
              "form" : "mail+gzip",
              "organization-name" : "Google Inc.",
              "policies" : [
                {
                  "failed" : 0,
                  "failure-details" : [

                  ],
                  "mx-host" : [

                  ],
                  "policy-domain" : "example.test",
                  "policy-string" : [

                  ],
                  "policy-type" : "no-policy-found",
                  "successful" : 48
                }
              ],
              "report-id" : "2026-12-03T00:00:00Z_example.test",
              "totals" : {
                "failed" : 0,
                "successful" : 48
              }
            }

            """)
    }

    @Test func parseListsFailuresAndToleratedDeviations() throws {
        let result = try CLI.run(["tlsrpt", "parse", fixturePath("rfc8460-example.json")])
        #expect(result.status == 0)
        #expect(result.output == """
            accepted: report 5065427c-23d3-47ca-b6e0-946ea0e8c4be from Company-X, 2016-04-01T00:00:00Z to 2016-04-01T23:59:59Z: \
            5326 successful, 303 failed sessions
              sts company-y.example: 5326 successful, 303 failed (certificate-expired 100, starttls-not-supported 200, validation-failure 3)
              tolerated: policies[0].policy.mx-host: mx-host is a string, not an array

            """)
        let json = try CLI.run(["tlsrpt", "parse", fixturePath("rfc8460-example.json"), "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["totals"] as? [String: Int] == ["successful": 5326, "failed": 303])
        let policies = try #require(object["policies"] as? [[String: Any]])
        let details = try #require(policies.first?["failure-details"] as? [[String: Any]])
        #expect(details.map { $0["result-type"] as? String } == ["certificate-expired", "starttls-not-supported", "validation-failure"])
        #expect(details[1]["receiving-ip"] as? String == "203.0.113.56")
    }

    @Test func parseRejectsWithTheReasonAndExitStatus1() throws {
        let path = try temporaryFile("{\"organization-name\":\"a\",\"organization-name\":\"b\"}")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CLI.run(["tlsrpt", "parse", path, "--json"])
        #expect(result.status == 1)
        #expect(result.output == """
            {
              "accepted" : false,
              "deviations" : [

              ],
              "policies" : [

              ],
              "reason" : "duplicate member \\"organization-name\\" at offset 25 (RFC 7493 §2.3)",
              "totals" : {
                "failed" : 0,
                "successful" : 0
              }
            }

            """)
        let text = try CLI.run(["tlsrpt", "parse", path])
        #expect(text.status == 1)
        #expect(text.output == "rejected: duplicate member \"organization-name\" at offset 25 (RFC 7493 §2.3)\n")
    }

    @Test func recordSaysWhenADomainHasNone() throws {
        // web.test has MTA-STS policies but no _smtp._tls records.
        let result = try CLI.run(["tlsrpt", "record", "enforce.web.test", "--resolver", try CLI.labResolver(), "--json"])
        #expect(result.status == 1, "\(result.error)")
        #expect(result.output == """
            {
              "reason" : "no TXT record begins with v=TLSRPTv1",
              "rua" : [

              ],
              "valid" : false
            }

            """)
    }

    /// The lab's tlsrpt.test (RFC 8460 §3): one record, `rua` required, `mailto:` and `https:` only, strings joined.
    @Test(arguments: [
        ("good", 0, #"{"record":"v=TLSRPTv1; rua=mailto:tlsrpt@good.tlsrpt.test,https://reports.good.tlsrpt.test/v1/tlsrpt","rua":["mailto:tlsrpt@good.tlsrpt.test","https://reports.good.tlsrpt.test/v1/tlsrpt"],"valid":true}"#),
        ("split", 0, #"{"record":"v=TLSRPTv1; rua=mailto:tlsrpt@split.tlsrpt.test","rua":["mailto:tlsrpt@split.tlsrpt.test"],"valid":true}"#),
        ("mixed", 0, #"{"record":"v=TLSRPTv1; rua=mailto:tlsrpt@mixed.tlsrpt.test","rua":["mailto:tlsrpt@mixed.tlsrpt.test"],"valid":true}"#),
        ("two", 1, #"{"reason":"2 TXT records begin with v=TLSRPTv1; exactly one is allowed","rua":[],"valid":false}"#),
        ("badscheme", 1, #"{"reason":"rua URI \"ftp://reports.badscheme.tlsrpt.test/\": the scheme is not mailto: or https:","rua":[],"valid":false}"#),
        ("norua", 1, #"{"reason":"the record has no rua field","rua":[],"valid":false}"#),
    ])
    func recordsOfTheLab(name: String, status: Int32, json: String) throws {
        let result = try CLI.run(["tlsrpt", "record", "\(name).tlsrpt.test", "--resolver", try CLI.labResolver(), "--json"])
        #expect(result.status == status, "\(result.error)")
        let compact = result.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined()
            .replacingOccurrences(of: "\" : ", with: "\":")
        #expect(compact == json)
    }
}
