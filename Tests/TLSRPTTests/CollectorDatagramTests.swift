import Testing
import TestSupport
import TLSRPT

/// The libtlsrpt collector datagram. The fixtures in `Fixtures/collector/` were recorded from a build of libtlsrpt
/// 0.5.1rc2 (github.com/sys4/libtlsrpt at c7901a2: libtlsrpt.c and json-escape-initializer-list.c compiled as they
/// are, no change) sending to a unix datagram socket: `example-01` … `example-08` are the eight examples of its
/// `doc/example.txt`, `example-09` … `example-11` three more for `other.example` (a failure with no optional field,
/// escapes and UTF-8 in a policy string, IPv6 addresses, a success).
@Suite("TLSRPT collector datagrams")
struct CollectorDatagramTests {
    static let names = (1...11).map { "collector/example-\($0 < 10 ? "0" : "")\($0).json" }
    static let record = "v=TLSRPTv1; rua=https://reports.company-y.example/tlsrpt"

    @Test func exampleFiveReadsExactly() throws {
        let datagram = try CollectorDatagram.parse(fixture("collector/example-05.json"))
        let detail = { (type: ResultType, sending: String, helo: String, receiving: String) in
            FailureDetail(resultType: type, sendingMTAIP: sending, receivingMXHostname: "mailin.example.com", receivingMXHelo: helo,
                          receivingIP: receiving, failedSessionCount: 1, additionalInformation: "This is additional information",
                          failureReasonCode: "999 TEST ERROR")
        }
        #expect(datagram == CollectorDatagram(domain: "company-y.example", policyRecord: Self.record, policies: [
            CollectorSession(policy: Policy(kind: .sts, strings: ["version: STSv1", "mode: testing", "mx: *.mail.company-y.example", "max_age: 86400"],
                                            domain: "company-y.example", mxHosts: ["*.mail.company-y.example", "*.mail2.company-y.example"]),
                             failed: true, failures: [detail(.stsPolicyInvalid, "1.2.3.4", "test-ehlo.example.com", "11.22.33.44"),
                                                      detail(.stsWebPKIInvalid, "1.2.3.5", "test-ehlo.example.com", "11.22.33.55")]),
            CollectorSession(policy: Policy(kind: .tlsa, strings: ["3 0 1 1F850A337E6DB9C609C522D136A475638CC43E1ED424F8EEC8513D747D1D085D",
                                                                   "3 0 1 12350A337E6DB9C6123522D136A475638CC43E1ED424F8EEC8513D747D1D1234"],
                                            domain: "company-y.example"),
                             failed: true, failures: [detail(.certificateExpired, "1.2.3.4", "tes-ehlo.example.com", "11.22.33.55")]),
        ]))
    }

    @Test func noPolicyDomainMeansTheDatagramsDomainAndEscapesAreRead() throws {
        let first = try CollectorDatagram.parse(fixture("collector/example-01.json"))
        #expect(first.policies == [CollectorSession(policy: Policy(kind: .noPolicyFound, domain: "company-y.example"), failed: false, failures: [])])
        let escaped = try CollectorDatagram.parse(fixture("collector/example-10.json"))
        #expect(escaped.policies[0].policy.strings == ["3 1 1 AB\"quote\\back\tslash\u{01} é"])
        #expect(escaped.policies[0].failures == [FailureDetail(resultType: .daneRequired, sendingMTAIP: "2001:db8::1",
                                                               receivingMXHostname: "mx.other.example", receivingIP: "2001:db8::25",
                                                               failedSessionCount: 1, failureReasonCode: "454 4.7.5 \"no TLSA\"")])
    }

    @Test func everyFixtureReadsWithItsSessionAndFailureCounts() throws {
        let counts = try Self.names.map { name in
            let datagram = try CollectorDatagram.parse(fixture(name))
            return [datagram.policies.count, datagram.policies.filter(\.failed).count, datagram.policies.reduce(0) { $0 + $1.failures.count }]
        }
        #expect(counts == [[1, 0, 0], [1, 1, 1], [1, 1, 2], [1, 1, 1], [2, 2, 3], [1, 0, 0], [2, 0, 0], [2, 1, 2], [1, 1, 1], [1, 1, 1], [1, 0, 0]])
    }

    @Test("Policy types and result-type codes as libtlsrpt numbers them; RFC 8460 §4.3 names")
    func codes() {
        #expect(CollectorDatagram.policyTypeCodes == [1: .tlsa, 2: .sts, 9: .noPolicyFound])
        #expect(Set(CollectorDatagram.resultTypeCodes.values) == Set(ResultType.registered))
    }

    @Test(arguments: [
        (#"{"d": "a.example","pr": "x","policies":[{"policy-type":9,"t":0,"f":0}]}"#, "datagram: missing \"dpv\""),
        (#"{"dpv": "2","d": "a.example","pr": "x","policies":[{"policy-type":9,"t":0,"f":0}]}"#, "datagram.dpv: protocol version \"2\" is not 1"),
        (#"{"dpv": "1","d": "","pr": "x","policies":[{"policy-type":9,"t":0,"f":0}]}"#, "datagram.d: empty"),
        (#"{"dpv": "1","d": "a.example","policies":[{"policy-type":9,"t":0,"f":0}]}"#, "datagram: missing \"pr\""),
        (#"{"dpv": "1","d": "a.example","pr": "x","policies":[]}"#, "datagram.policies: empty"),
        (#"{"dpv": "1","d": "a.example","pr": "x","policies":{}}"#, "datagram.policies: expected an array"),
        (#"{"dpv": "1","d": "a.example","pr": "x","policies":[{"policy-type":3,"t":0,"f":0}]}"#, "datagram.policies[0].policy-type: 3 is not 1, 2 or 9"),
        (#"{"dpv": "1","d": "a.example","pr": "x","policies":[{"policy-type":"9","t":0,"f":0}]}"#, "datagram.policies[0].policy-type: expected an integer from 0 to 999"),
        (#"{"dpv": "1","d": "a.example","pr": "x","policies":[{"policy-type":9,"t":1,"f":1}]}"#, "datagram.policies[0].t: 1 failures counted, 0 given"),
        (#"{"dpv": "1","d": "a.example","pr": "x","policies":[{"policy-type":9,"t":0,"f":2}]}"#, "datagram.policies[0].f: 2 is not 0 or 1"),
        (#"{"dpv": "1","d": "a.example","pr": "x","policies":[{"policy-type":9,"t":0,"f":-1}]}"#, "datagram.policies[0].f: expected an integer from 0 to 999"),
        (#"{"dpv": "1","d": "a.example","pr": "x","policies":[{"policy-type":1,"policy-string":[1],"t":0,"f":0}]}"#, "datagram.policies[0].policy-string: expected an array of strings"),
        (#"{"dpv": "1","d": "a.example","pr": "x","policies":[{"policy-type":9,"failure-details":[{"c":901}],"t":1,"f":1}]}"#, "datagram.policies[0].failure-details[0].c: 901 is not a result type code"),
        (#"{"dpv": "1","d": "a.example","pr": "x","policies":[{"policy-type":9,"failure-details":[{"c":201,"s": "mx.a.example"}],"t":1,"f":1}]}"#, "datagram.policies[0].failure-details[0].s: \"mx.a.example\" is not an IP address"),
        (#"{"dpv": "1","dpv": "1","d": "a.example","pr": "x","policies":[{"policy-type":9,"t":0,"f":0}]}"#, "duplicate member \"dpv\" at offset 12 (RFC 7493 §2.3)"),
        (#"{"dpv": "1","d": "a.example","pr": "x","policies":[{"policy-type":9,"failure-details":[{"c":201,"a":[[]]}],"t":1,"f":1}]}"#, "JSON nested deeper than 5 levels"),
        (#"["#, "malformed JSON at offset 1: unexpected end"),
    ])
    func malformedDatagramsAreRefusedWithTheirReason(text: String, reason: String) {
        #expect { try CollectorDatagram.parse(Array(text.utf8)) } throws: { ($0 as? TLSRPTError)?.reason == reason }
    }

    @Test func limits() throws {
        #expect(CollectorDatagram.maximumSize == 65_536 && CollectorDatagram.maximumPolicies == 8 && CollectorDatagram.maximumEntries == 256)
        let huge = Array(#"{"dpv": "1","d": "a.example","pr": ""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: 65_536) + Array(#""}"#.utf8)
        #expect { try CollectorDatagram.parse(huge) } throws: { ($0 as? TLSRPTError)?.reason == "the datagram is larger than 65536 octets" }
        let policy = #"{"policy-type":9,"t":0,"f":0}"#
        let nine = #"{"dpv": "1","d": "a.example","pr": "x","policies":["# + Array(repeating: policy, count: 9).joined(separator: ",") + "]}"
        #expect { try CollectorDatagram.parse(Array(nine.utf8)) } throws: { ($0 as? TLSRPTError)?.reason == "datagram.policies: more than 8 entries" }
        let strings = (0...256).map { "\"\($0)\"" }.joined(separator: ",")
        let many = #"{"dpv": "1","d": "a.example","pr": "x","policies":[{"policy-type":1,"policy-string":["# + strings + #"],"t":0,"f":0}]}"#
        #expect { try CollectorDatagram.parse(Array(many.utf8)) } throws: {
            ($0 as? TLSRPTError)?.reason == "datagram.policies[0].policy-string: more than 256 entries"
        }
    }

    @Test func tenThousandMutatedDatagramsEndInAValueOrATypedError() throws {
        let seeds = try Self.names.map { try fixture($0) }
        var generator = SeededGenerator(state: 10_000)
        var accepted = 0
        for iteration in 0..<10_000 {
            let input = MutationTests.mutate(seeds[iteration % seeds.count], using: &generator)
            do {
                let datagram = try CollectorDatagram.parse(input)
                accepted += 1
                #expect(!datagram.policies.isEmpty && datagram.policies.count <= CollectorDatagram.maximumPolicies)
            } catch {
                _ = error.code
            }
        }
        #expect(accepted > 100 && accepted < 5_000, "\(accepted) accepted")
    }
}
