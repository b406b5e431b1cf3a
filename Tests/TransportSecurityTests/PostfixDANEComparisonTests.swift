import DANE
import Foundation
import TestSupport
import Testing
import TransportSecurity

/// Stockade's DANE verdicts next to Postfix's own (`posttls-finger -l dane`, Postfix 3.7, through
/// lab/tools/posttls-finger-dane.sh with the lab's resolver), host by host: the standard the issue names.
/// posttls-finger only probes, so where a Postfix sender would defer it still says "Untrusted TLS connection".
@Suite("DANE verdicts vs Postfix posttls-finger (lab)", .serialized)
struct PostfixDANEComparisonTests {
    struct Case: Sendable, CustomStringConvertible {
        let domain: String
        /// posttls-finger's target: `[host]` for a host, the domain for an MX lookup first.
        let fingerArguments: [String]
        /// What posttls-finger must print.
        let postfix: [String]
        let stockade: String
        var description: String { domain }
    }

    static let cases: [Case] = [
        Case(domain: "ee.dane.test", fingerArguments: ["mx.ee.dane.test"],
             postfix: ["Matched DANE EE certificate at depth 0", "Verified TLS connection established"], stockade: "validated"),
        Case(domain: "ta.dane.test", fingerArguments: ["mx.ta.dane.test"],
             postfix: ["Matched DANE TA certificate at depth 1", "Verified TLS connection established"], stockade: "validated"),
        Case(domain: "takey.dane.test", fingerArguments: ["mx.takey.dane.test"],
             postfix: ["Matched DANE TA public key verified certificate at depth 0", "Verified TLS connection established"],
             stockade: "validated"),
        Case(domain: "expired.dane.test", fingerArguments: ["mx.expired.dane.test"],
             postfix: ["Verified TLS connection established"], stockade: "validated"),
        Case(domain: "cname.dane.test", fingerArguments: ["-d", "cname.dane.test"],
             postfix: ["Verified TLS connection established"], stockade: "validated"),
        Case(domain: "danehost.insecure.test", fingerArguments: ["-d", "danehost.insecure.test"],
             // the DANE match holds; posttls-finger only labels the session "Trusted" because the MX RRset was insecure
             postfix: ["MX RRset insecure", "Matched DANE EE certificate at depth 0", "Trusted TLS connection established"],
             stockade: "validated"),
        Case(domain: "mismatch.dane.test", fingerArguments: ["mx.mismatch.dane.test"],
             postfix: ["no matching DANE TLSA records", "Untrusted TLS connection established"], stockade: "failed"),
        Case(domain: "unusable.dane.test", fingerArguments: ["mx.unusable.dane.test"],
             postfix: ["all TLSA records unusable, fallback to unauthenticated TLS", "Untrusted TLS connection established"],
             stockade: "unusable"),
        Case(domain: "bogus.dane.test", fingerArguments: ["mx.bogus.dane.test"], postfix: ["TLSA lookup error"], stockade: "bogus"),
        Case(domain: "daneless.insecure.test", fingerArguments: ["mx.daneless.insecure.test"],
             postfix: ["Untrusted TLS connection established"], stockade: "no-tlsa"),
        Case(domain: "nostarttls.dane.test", fingerArguments: ["mx.nostarttls.dane.test"],
             postfix: ["no STARTTLS in the EHLO answer"], stockade: "failed"),
    ]

    static let tool = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("lab/tools/posttls-finger-dane.sh").path

    @Test("same verdict as Postfix", arguments: cases)
    func agreesWithPostfix(_ expected: Case) async throws {
        _ = try labVariable("STOCKADE_LAB_RESOLV_CONF")  // the tool needs unbound on port 53
        let output = String(decoding: try runTool("bash", [Self.tool] + expected.fingerArguments), as: UTF8.self)
        for marker in expected.postfix {
            #expect(output.contains(marker), "posttls-finger: \(output)")
        }
        let report = try await LabMTA().prober().probe(domain: expected.domain)
        #expect(report.hosts.first?.dane.name == expected.stockade, "\(report.hosts.first.map { "\($0.dane)" } ?? "no host")")
    }

    @Test("RFC 7672 §2.2.1: a bogus MX RRset: Postfix cannot look up the destination; Stockade defers the domain")
    func bogusMX() async throws {
        let output = String(decoding: try runTool("bash", [Self.tool, "-d", "bogusmx.dane.test"]), as: UTF8.self)
        #expect(output.contains("Destination address lookup failed"), "\(output)")
        let report = try await LabMTA().prober().probe(domain: "bogusmx.dane.test")
        #expect(report.decision == .deferred)
    }
}
