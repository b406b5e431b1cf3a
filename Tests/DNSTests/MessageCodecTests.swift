import DNS
import NIOCore
import Testing

@Suite("Message codec (RFC 1035 §4, RFC 6891, RFC 8914)")
struct MessageCodecTests {
    static func record(_ name: String, _ type: RecordType, _ data: RecordData, ttl: UInt32 = 300) throws -> ResourceRecord {
        ResourceRecord(name: try DNSName(name), type: type, ttl: ttl, data: data)
    }

    /// One record of every type the library knows, and one it does not.
    static func everyType() throws -> [ResourceRecord] {
        let name = try DNSName("host.example.test")
        return [
            try record("example.test", .a, .a(IPv4Address("192.0.2.1")!)),
            try record("example.test", .aaaa, .aaaa(IPv6Address("2001:db8::53")!)),
            try record("alias.example.test", .cname, .cname(name)),
            try record("example.test", .ns, .ns(try DNSName("ns1.example.test"))),
            try record("1.2.0.192.in-addr.arpa", .ptr, .ptr(name)),
            try record("example.test", .soa, .soa(SOA(primary: try DNSName("ns1.example.test"), mailbox: try DNSName("hostmaster.example.test"),
                                                      serial: 2026112901, refresh: 3600, retry: 900, expire: 604800, minimum: 300))),
            try record("example.test", .mx, .mx(MX(preference: 10, exchange: try DNSName("mx1.example.test")))),
            try record("example.test", .txt, .txt([Array("v=spf1 -all".utf8), [], Array("with \"quote\"".utf8)])),
            try record("_submission._tcp.example.test", .srv, .srv(SRV(priority: 0, weight: 1, port: 587, target: name))),
            try record("example.test", .caa, .caa(CAA(flags: 128, tag: "issue", value: "ca.example;account=1"))),
            try record("_25._tcp.mx1.example.test", .tlsa, .tlsa(TLSA(usage: 3, selector: 1, matchingType: 1, data: Array(0..<32)))),
            try record("child.example.test", .ds, .ds(DS(keyTag: 12345, algorithm: 13, digestType: 2, digest: Array(100..<132)))),
            try record("example.test", .dnskey, .dnskey(DNSKEY(flags: 257, protocol: 3, algorithm: 13, publicKey: Array(0..<64)))),
            try record("example.test", .rrsig, .rrsig(RRSIG(typeCovered: .mx, algorithm: 13, labels: 2, originalTTL: 300, expiration: 1_800_000_000,
                                                            inception: 1_700_000_000, keyTag: 4242, signerName: try DNSName("example.test"), signature: Array(0..<64)))),
            try record("a.example.test", .nsec, .nsec(NSEC(nextName: try DNSName("b.example.test"), types: [.a, .mx, .rrsig, .nsec, .caa, RecordType(rawValue: 65280)]))),
            try record("35jtmrqeffgoh561ojgvun7v8epbqv8b.example.test", .nsec3, .nsec3(NSEC3(hashAlgorithm: 1, flags: 1, iterations: 0, salt: [0xAB, 0xCD],
                                                                                                 nextHashedOwner: Array(0..<20), types: [.a, .rrsig]))),
            try record("hash._openpgpkey.example.test", .openpgpkey, .openpgpkey(Array(0..<200))),
            try record("unknown.example.test", RecordType(rawValue: 65280), .unknown([10, 0, 0, 1])),
        ]
    }

    @Test func everyTypeRoundTrips() throws {
        for record in try Self.everyType() {
            var message = Message(header: Header(id: 7, isResponse: true, authenticData: true))
            message.questions = [Question(name: record.name, type: record.type)]
            message.answers = [record, record]
            message.authority = [record]
            let decoded = try Message(bytes: message.bytes)
            #expect(decoded == message, "\(record.type) must survive encode → decode")
            #expect(try Message(bytes: decoded.bytes).bytes == message.bytes, "\(record.type) must encode to the same bytes")
        }
    }

    @Test func presentationOfEveryType() throws {
        let expected = [
            "192.0.2.1", "2001:db8::53", "host.example.test.", "ns1.example.test.", "host.example.test.",
            "ns1.example.test. hostmaster.example.test. 2026112901 3600 900 604800 300", "10 mx1.example.test.",
            "\"v=spf1 -all\" \"\" \"with \\\"quote\\\"\"", "0 1 587 host.example.test.", "128 issue \"ca.example;account=1\"",
            "3 1 1 000102030405060708090A0B0C0D0E0F101112131415161718191A1B 1C1D1E1F",
            "12345 13 2 6465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F 80818283",
            "257 3 13 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygp KissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==",
            "MX 13 2 300 20270115080000 20231114221320 4242 example.test. AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygp KissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==",
            "b.example.test. A MX RRSIG NSEC CAA TYPE65280",
            "1 1 0 ABCD 000G40O40K30E209185GO38E1S8124GJ A RRSIG",
        ]
        let records = try Self.everyType()
        for (record, text) in zip(records, expected) {
            #expect(record.data.presentation == text, "\(record.type)")
        }
        #expect(records[17].data.presentation == "\\# 4 0A000001")
        #expect(records[16].data.presentation.hasPrefix("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygp KissLS4v"))
    }

    @Test func ipv6PresentationFollowsRFC5952() {
        let cases = [
            ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),  // §4.2.3: the first of equal runs
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),  // §4.2.2: one zero group is not shortened
            ("0:0:0:0:0:0:0:0", "::"),
            ("0:0:0:0:0:0:0:1", "::1"),
            ("fe80:0:0:0:0:0:0:0", "fe80::"),
        ]
        for (input, output) in cases {
            #expect(IPv6Address(input)?.description == output, "\(input)")
        }
        #expect(IPv6Address("1::2::3") == nil)
        #expect(IPv6Address("12345::") == nil)
    }

    @Test func queryCarriesEDNSWithDOAnd1232() throws {
        let query = Message.query(id: 0xBEEF, name: try DNSName("secure.test"), type: .mx)
        let wire = query.bytes
        // Header: ID, flags RD, one question, no answers or authority, one additional (the OPT).
        #expect(Array(wire[0..<12]) == [0xBE, 0xEF, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1])
        // OPT: root owner, type 41, class = payload 1232, TTL with DO (0x8000), no options.
        #expect(Array(wire.suffix(11)) == [0, 0, 41, 0x04, 0xD0, 0, 0, 0x80, 0, 0, 0])
        let decoded = try Message(bytes: wire)
        #expect(decoded.edns?.dnssecOK == true)
        #expect(decoded.edns?.udpPayloadSize == 1232)
        #expect(decoded.additional.isEmpty)
    }

    @Test func readsExtendedDNSErrors() throws {
        var response = Message(header: Header(id: 1, isResponse: true, responseCodeLow: 2))
        let text = Array("signature expired".utf8)
        response.edns = EDNS(options: [EDNS.Option(code: 15, data: [0, 7] + text)])
        let decoded = try Message(bytes: response.bytes)
        #expect(decoded.responseCode == .serverFailure)
        #expect(decoded.edns?.extendedErrors == [ExtendedDNSError(infoCode: 7, extraText: "signature expired")])
        #expect(decoded.edns?.extendedErrors.first?.name == "Signature Expired")
        #expect(decoded.edns?.extendedErrors.first?.isDNSSECFailure == true)
    }

    @Test func combinesExtendedResponseCode() throws {
        var response = Message(header: Header(id: 1, isResponse: true, responseCodeLow: 0))
        response.edns = EDNS(extendedResponseCodeHigh: 1)
        #expect(try Message(bytes: response.bytes).responseCode == .badVersion)
    }

    @Test func rejectsTwoOPTRecords() throws {
        var message = Message(header: Header(id: 1))
        message.additional = [ResourceRecord(name: .root, type: .opt, recordClass: RecordClass(rawValue: 1232), ttl: 0, data: .unknown([]))]
        message.edns = EDNS()
        #expect(throws: DNSError.badRecordData(.opt, "")) { try Message(bytes: message.bytes) }
    }

    @Test func rejectsTrailingBytesAndShortRecords() throws {
        let query = Message.query(id: 1, name: try DNSName("a.test"), type: .a).bytes
        #expect(throws: DNSError.trailingData("")) { try Message(bytes: query + [0]) }
        #expect(throws: DNSError.truncatedMessage("")) { try Message(bytes: query.dropLast()) }
        // An A record whose data is 3 octets.
        var response = Message(header: Header(id: 1, isResponse: true))
        response.answers = [try Self.record("a.test", .a, .a(IPv4Address("192.0.2.1")!))]
        var wire = response.bytes
        wire[wire.count - 5] = 3  // RDLENGTH low byte
        #expect(throws: DNSError.self) { try Message(bytes: wire.dropLast()) }
    }

    @Test func rejectsAbsurdRecordCounts() {
        let header: [UInt8] = [0, 1, 0x81, 0x80, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0]
        #expect(throws: DNSError.tooManyRecords(0)) { try Message(bytes: header) }
    }

    @Test func keyTagFollowsRFC4034AppendixB() throws {
        // The DNSKEY of RFC 4034 §5.4 example (algorithm 5, key tag 60485).
        let key = DNSKEY(flags: 256, protocol: 3, algorithm: 5, publicKey: base64Decode(
            "AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw=="))
        #expect(key.keyTag == 60485)
    }
}

/// Decodes standard base64 (test vectors only).
func base64Decode(_ text: String) -> [UInt8] {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    var buffer: UInt32 = 0
    var bits = 0
    for character in text.utf8 {
        guard let value = alphabet.firstIndex(of: character) else { continue }
        buffer = buffer << 6 | UInt32(value)
        bits += 6
        if bits >= 8 {
            out.append(UInt8(buffer >> UInt32(bits - 8) & 0xFF))
            bits -= 8
        }
    }
    return out
}
