import DNS
import SPF
import Testing

/// RFC 7208 requirements the test suite does not exercise, each test naming its section; DNS from a loopback
/// authoritative server.
@Suite("RFC 7208 requirements beyond the suite")
struct SectionTests {
    /// Runs one check against a server for `zone`.
    func check(_ zone: ScenarioZone, ip: String = "192.0.2.1", mailFrom: String, helo: String = "mail.example.com",
               voidLookupLimit: Int = SPFChecker<DNS.Resolver<ContinuousClock>>.defaultVoidLookupLimit) async throws -> (SPFVerdict, ScenarioDNSServer) {
        let server = try await ScenarioDNSServer.start(zone)
        let checker = SPFChecker(resolver: try server.resolver(), voidLookupLimit: voidLookupLimit)
        let verdict = await checker.check(client: try ClientAddress(ip), mailFrom: mailFrom, helo: helo)
        await server.stop()
        return (verdict, server)
    }

    func zone(_ records: [(String, RecordType, RecordData)]) throws -> ScenarioZone {
        var zone = ScenarioZone()
        for (name, type, data) in records { zone.add(try DNSName(name), type, data) }
        return zone
    }

    func txt(_ text: String) -> RecordData { .txt([Array(text.utf8)]) }

    @Test("§7.3: a DIGIT transformer MUST be nonzero")
    func zeroTransformerIsASyntaxError() async throws {
        #expect(throws: SPFError.invalidMacro("", "")) { try SPFRecord(parsing: "v=spf1 exists:%{d0}.example.com -all") }
        #expect(throws: SPFError.invalidMacro("", "")) { try SPFRecord(parsing: "v=spf1 exists:%{d00r}.example.com -all") }
        let (verdict, _) = try await check(try zone([("example.com", .txt, txt("v=spf1 exists:%{d0}.example.com -all"))]), mailFrom: "a@example.com")
        #expect(verdict.result == .permerror)
        #expect(verdict.reason == "the record of example.com: invalid macro-string \"%{d0}.example.com\": transformer 0 in %{d0}")
    }

    @Test("§6.2: the explanation is computed for fail only")
    func explanationOnlyForFail() async throws {
        let records: [(String, RecordType, RecordData)] = [
            ("soft.example.com", .txt, txt("v=spf1 ~all exp=why.example.com")),
            ("hard.example.com", .txt, txt("v=spf1 -all exp=why.example.com")),
            ("why.example.com", .txt, txt("%{i} is not one of %{d}'s senders")),
        ]
        let (soft, _) = try await check(try zone(records), mailFrom: "a@soft.example.com")
        #expect(soft == SPFVerdict(result: .softfail, mechanism: "~all", reason: "~all matched in the record of soft.example.com"))
        let (hard, _) = try await check(try zone(records), mailFrom: "a@hard.example.com")
        #expect(hard == SPFVerdict(result: .fail, explanation: "192.0.2.1 is not one of hard.example.com's senders", mechanism: "-all",
                                   reason: "-all matched in the record of hard.example.com"))
    }

    @Test("§2.4, §4.3: an empty MAIL FROM checks postmaster@HELO")
    func nullReversePathUsesTheHELOName() async throws {
        let records: [(String, RecordType, RecordData)] = [
            ("helo.example.com", .txt, txt("v=spf1 -all exp=why.example.com")),
            ("why.example.com", .txt, txt("%{s} %{l} %{o} %{h}")),
        ]
        let (verdict, _) = try await check(try zone(records), mailFrom: "", helo: "helo.example.com")
        #expect(verdict.explanation == "postmaster@helo.example.com postmaster helo.example.com helo.example.com")
    }

    @Test("§5.5: a DNS error on the PTR lookup means the ptr mechanism does not match (not temperror)")
    func ptrLookupFailureIsNoMatch() async throws {
        var records = try zone([("example.com", .txt, txt("v=spf1 ptr ?all"))])
        records.nodes[try DNSName("1.2.0.192.in-addr.arpa"), default: ScenarioZone.Node()].timesOut = true
        let (verdict, _) = try await check(records, mailFrom: "a@example.com")
        #expect(verdict.result == .neutral)
        #expect(verdict.mechanism == "?all")
    }

    @Test("§3.4, §4.4: an RRset too large for UDP is read over TCP")
    func largeAnswerOverTCP() async throws {
        var records = try zone([("big.example.com", .txt, txt("v=spf1 ip4:192.0.2.1 -all"))])
        for index in 0..<8 { records.add(try DNSName("big.example.com"), .txt, .txt([Array(repeating: UInt8(ascii: "a") + UInt8(index), count: 250)])) }
        let (verdict, server) = try await check(records, mailFrom: "a@big.example.com")
        #expect(verdict.result == .pass)
        #expect(server.tcpQueries == 1)
    }

    @Test("§4.6.4: the void lookup limit MAY be configurable, 2 by default")
    func voidLookupLimitIsConfigurable() async throws {
        let records = try zone([("example.com", .txt, txt("v=spf1 a:nx1.example.com a:nx2.example.com a:nx3.example.com ip4:192.0.2.1 -all"))])
        let (strict, _) = try await check(records, mailFrom: "a@example.com")
        #expect(strict.result == .permerror)
        #expect(strict.reason == "a:nx3.example.com: more than 2 void lookups (RFC 7208 §4.6.4)")
        let (lenient, _) = try await check(records, mailFrom: "a@example.com", voidLookupLimit: 3)
        #expect(lenient.result == .pass)
        #expect(lenient.mechanism == "ip4:192.0.2.1")
    }

    @Test("§4.6.4: the 11th DNS-querying term is a permerror, nested include and redirect counted")
    func dnsTermLimitAcrossIncludes() async throws {
        var entries: [(String, RecordType, RecordData)] = [("h.example.com", .a, .a(IPv4Address("192.0.2.200")!))]
        entries.append(("example.com", .txt, txt("v=spf1 a:h.example.com include:i.example.com -all")))
        entries.append(("i.example.com", .txt, txt("v=spf1" + String(repeating: " a:h.example.com", count: 7) + " redirect=j.example.com")))
        entries.append(("j.example.com", .txt, txt("v=spf1 a:h.example.com ip4:192.0.2.1 -all")))
        let (verdict, _) = try await check(try zone(entries), mailFrom: "a@example.com")
        // a, include, 7 × a, redirect = 10; the a of j.example.com is the 11th.
        #expect(verdict.result == .permerror)
        #expect(verdict.reason == "a:h.example.com: more than 10 DNS-querying terms (RFC 7208 §4.6.4)")
    }

    @Test("§4.5: v=spf1 alone or followed by a space starts a record; case does not matter")
    func recordSelection() throws {
        #expect(SPFRecord.isSPFRecord(Array("v=spf1".utf8)))
        #expect(SPFRecord.isSPFRecord(Array("V=SPF1 -all".utf8)))
        #expect(!SPFRecord.isSPFRecord(Array("v=spf10 -all".utf8)))
        #expect(!SPFRecord.isSPFRecord(Array("v=spf1-all".utf8)))
        #expect(!SPFRecord.isSPFRecord(Array(" v=spf1 -all".utf8)))
    }

    @Test("§5.6, §12: prefix lengths without leading zeros and within the family's bits")
    func prefixLengths() throws {
        #expect(throws: SPFError.syntax("")) { try SPFRecord(parsing: "v=spf1 ip4:192.0.2.0/024") }
        #expect(throws: SPFError.syntax("")) { try SPFRecord(parsing: "v=spf1 ip4:192.0.02.0/24") }
        #expect(throws: SPFError.syntax("")) { try SPFRecord(parsing: "v=spf1 ip6:2001:db8::/129") }
        #expect(throws: SPFError.syntax("")) { try SPFRecord(parsing: "v=spf1 a//") }
        let record = try SPFRecord(parsing: "v=spf1 mx:example.com/24//64 a/0 ip6:::ffff:192.0.2.1/128")
        #expect(record.directives.map(\.mechanism) == [
            .mx(try MacroString(parsing: "example.com", context: .domainSpec), CIDRLengths(ipv4: 24, ipv6: 64)),
            .a(nil, CIDRLengths(ipv4: 0, ipv6: 128)),
            .ip6(Array(repeating: 0, count: 10) + [0xFF, 0xFF, 192, 0, 2, 1], prefixLength: 128),
        ])
    }

    @Test("SPFRecord limits: record length and term count")
    func recordLimits() throws {
        let long = "v=spf1 " + String(repeating: "a", count: SPFRecord.maximumLength)
        #expect(throws: SPFError.limitExceeded("")) { try SPFRecord(parsing: long) }
        let many = "v=spf1" + String(repeating: " ?all", count: SPFRecord.maximumTerms + 1)
        #expect(throws: SPFError.limitExceeded("")) { try SPFRecord(parsing: many) }
        #expect(try SPFRecord(parsing: "v=spf1" + String(repeating: " ?all", count: SPFRecord.maximumTerms)).directives.count == SPFRecord.maximumTerms)
    }
}
