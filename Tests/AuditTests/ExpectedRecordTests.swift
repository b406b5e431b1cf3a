@testable import Audit
import DNS
import TestSupport
import Testing

/// The zone-file fragment `stockade init` writes and `stockade check --expect` reads, and the plan that writes it.
@Suite("expected records")
struct ExpectedRecordTests {
    @Test func readsWhatThePlanWrites() throws {
        var plan = PublicationPlan(domain: "Example.TEST.")
        plan.mxHosts = ["mx1.example.test"]
        plan.dkimKeys = [.init(selector: "s1", record: "v=DKIM1; k=ed25519; p=" + String(repeating: "A", count: 300))]
        plan.caaIssuers = ["ca.example"]
        let records = try ExpectedRecord.parse(fragment: Array(plan.zoneFragment.utf8))
        #expect(records.map { "\($0.name) \($0.type) \($0.normalizedData)" } == [
            "example.test. MX 10 mx1.example.test.",
            "example.test. TXT v=spf1 mx -all",
            "s1._domainkey.example.test. TXT v=DKIM1; k=ed25519; p=" + String(repeating: "A", count: 300),
            "_dmarc.example.test. TXT v=DMARC1; p=none",
            "example.test. CAA 0 issue ca.example",
        ])
        // A key record longer than 255 octets is written as two character-strings (RFC 1035 §3.3.14).
        #expect(plan.zoneFragment.contains("\"\" \"") == false)
        #expect(records[2].data.hasPrefix("\"v=DKIM1; k=ed25519; p=AAA") && records[2].data.contains("\" \""))
    }

    @Test func comparesLikeDNSData() {
        #expect(ExpectedRecord.normalized(.caa(DNS.CAA(flags: 0, tag: "ISSUE", value: "ca.example")), type: .caa)
            == ExpectedRecord(name: "x.test.", type: .caa, data: "0 issue \"ca.example\"").normalizedData)
        #expect(ExpectedRecord.normalized(.txt([Array("v=spf1 ".utf8), Array("-all".utf8)]), type: .txt)
            == ExpectedRecord(name: "x.test.", type: .txt, data: "\"v=spf1 \" \"-all\"").normalizedData)
        #expect(ExpectedRecord(name: "x.test.", type: .tlsa, data: "3 1 1 ABCD EF01").normalizedData == "3 1 1 abcdef01")
    }

    @Test("refusals with the line", arguments: [
        ("relative 3600 IN A 192.0.2.1", AuditError.Code.relativeName), ("x.test. 3600 IN", .malformedLine),
        ("x.test. 3600 IN NOPE data", .unknownType),
    ])
    func refusals(line: String, code: AuditError.Code) {
        #expect { try ExpectedRecord.parse(fragment: Array(("; header\n" + line).utf8)) } throws: {
            ($0 as? AuditError)?.code == code && ($0 as? AuditError)?.reason.hasPrefix("line 2") == true
        }
    }

    @Test func limits() {
        let big = [UInt8](repeating: UInt8(ascii: ";"), count: ExpectedRecord.maximumFragmentSize + 1)
        #expect { try ExpectedRecord.parse(fragment: big) } throws: { ($0 as? AuditError)?.code == .tooLarge }
        let many = String(repeating: "x.test. A 192.0.2.1\n", count: ExpectedRecord.maximumRecords + 1)
        #expect { try ExpectedRecord.parse(fragment: Array(many.utf8)) } throws: { ($0 as? AuditError)?.code == .tooManyRecords }
        let long = "x.test. TXT \"" + String(repeating: "a", count: ExpectedRecord.maximumLineLength) + "\""
        #expect { try ExpectedRecord.parse(fragment: Array(long.utf8)) } throws: { ($0 as? AuditError)?.code == .lineTooLong }
    }

    @Test func mutatedFragmentsEndInRecordsOrATypedError() {
        var plan = PublicationPlan(domain: "example.test")
        plan.mxHosts = ["mx1.example.test", "mx2.example.test"]
        plan.caaIssuers = ["ca.example"]
        plan.addresses = ["192.0.2.1", "2001:db8::1"]
        plan.mtaSTSID = "abc"
        let seed = Array(plan.zoneFragment.utf8)
        var generator = SeededGenerator(state: 1035)
        for _ in 0..<10_000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                default: bytes.remove(at: position)
                }
            }
            do {
                let records = try ExpectedRecord.parse(fragment: bytes)
                #expect(records.count <= ExpectedRecord.maximumRecords)
                #expect(records.allSatisfy { $0.name.hasSuffix(".") })
                _ = records.map(\.normalizedData)
            } catch {
                #expect(!error.reason.isEmpty)
            }
        }
    }
}
