import MTASTS
import Testing

@Suite("TXT record (RFC 8461 §3.1)")
struct MTASTSRecordTests {
    @Test("§3.1: the RFC's example record")
    func rfcExample() throws {
        let record = try MTASTSRecord(parsing: [["v=STSv1; id=20160831085700Z;"]])
        #expect(record.id == "20160831085700Z")
        #expect(record.extensions == [])
        #expect(record.text == "v=STSv1; id=20160831085700Z")
    }

    @Test("§3.1: a record's strings MUST be concatenated without adding spaces")
    func stringsConcatenated() throws {
        #expect(try MTASTSRecord(parsing: [["v=STSv1; id=2016", "0831085700Z;"]]).id == "20160831085700Z")
        #expect(try MTASTSRecord(parsing: [["v=STS", "v1;", "id=abc"]]).id == "abc")
        // A space added between the strings would make "id=ab c": the strings are joined as they are.
        #expect(recordError("v=STSv1; id=ab") == nil)
        #expect(thrown { () throws(MTASTSError) in try MTASTSRecord(parsing: [["v=STSv1; id=ab", " c"]]) }
            == .malformedRecord("", ""))
    }

    @Test("§3.1: records that do not begin with v=STSv1 are discarded")
    func otherRecordsDiscarded() throws {
        let rrset = [
            ["google-site-verification=abcdefghijklmnop"],
            ["v=spf1 -all"],
            ["V=STSv1; id=uppercase"],
            ["v=STSv10; id=otherversion"],
            [" v=STSv1; id=leadingspace"],
            ["id=first; v=STSv1"],
            ["v=STSv1; id=chosen"],
        ]
        #expect(try MTASTSRecord(parsing: rrset).id == "chosen")
    }

    @Test("§3.1: no record beginning with v=STSv1 means no MTA-STS")
    func noRecord() {
        let none = thrown { () throws(MTASTSError) in try MTASTSRecord(parsing: []) }
        #expect(none == .noRecord)
        #expect(none?.reason == "no TXT record begins with \"v=STSv1\"")
        #expect(thrown { () throws(MTASTSError) in try MTASTSRecord(parsing: [["v=spf1 -all"], []]) } == .noRecord)
        #expect(recordError("id=abc; v=STSv1") == .noRecord)
        #expect(thrown { () throws(MTASTSError) in try MTASTSRecord(parsing: "v=spf1 -all") } == .noRecord)
    }

    @Test("§3.1: if the number of resulting records is not one, senders MUST assume no policy")
    func multipleRecords() {
        let two = thrown { () throws(MTASTSError) in
            try MTASTSRecord(parsing: [["v=STSv1; id=one"], ["v=spf1 -all"], ["v=STSv1; id=two"]])
        }
        #expect(two == .multipleRecords(0))
        #expect(two?.reason == "2 TXT records begin with \"v=STSv1\"; exactly one is allowed")
        // An invalid second record still counts: the selection looks only at the beginning.
        let invalidSecond = thrown { () throws(MTASTSError) in
            try MTASTSRecord(parsing: [["v=STSv1; id=one"], ["v=STSv1"], ["v=STSv1;;"]])
        }
        #expect(invalidSecond?.reason == "3 TXT records begin with \"v=STSv1\"; exactly one is allowed")
    }

    @Test("§3.1: the TXT record MUST begin with the sts-version field")
    func versionFirst() {
        #expect(recordError("id=abc; v=STSv1") == .noRecord)
        #expect(thrown { () throws(MTASTSError) in try MTASTSRecord(parsing: "x=1; v=STSv1; id=abc") } == .noRecord)
    }

    @Test("§3.1: MTA-STS TXT records MUST be US-ASCII")
    func usASCII() {
        let error = recordError("v=STSv1; id=abc; note=caf\u{E9}")
        #expect(error == .notASCII(""))
        #expect(error?.reason == "TXT record \"v=STSv1; id=abc; note=café\" is not US-ASCII")
    }

    @Test("§3.1: id is required")
    func idRequired() {
        #expect(recordError("v=STSv1") == .missingID)
        #expect(recordError("v=STSv1;") == .missingID)
        #expect(recordError("v=STSv1; rua=mailto:x@example.com") == .missingID)
        #expect(recordError("v=STSv1")?.reason == "TXT record has no id field")
    }

    @Test("§3.1: sts-id is 1 to 32 letters and digits")
    func idSyntax() throws {
        let longest = String(repeating: "a1B2", count: 8)
        #expect(try MTASTSRecord(parsing: [["v=STSv1; id=\(longest)"]]).id == longest)
        #expect(try MTASTSRecord(parsing: [["v=STSv1; id=0"]]).id == "0")
        #expect(recordError("v=STSv1; id=\(longest)x") == .invalidID(""))
        #expect(recordError("v=STSv1; id=") == .invalidID(""))
        #expect(recordError("v=STSv1; id=2016-08-31") == .invalidID(""))
        #expect(recordError("v=STSv1; id=abc_def") == .invalidID(""))
        #expect(recordError("v=STSv1; id=2016-08-31")?.reason == "id \"2016-08-31\" is not 1 to 32 letters and digits")
    }

    @Test("§3.1: sts-field-delim is *WSP \";\" *WSP, a final delimiter is optional")
    func delimiters() throws {
        for text in ["v=STSv1;id=abc", "v=STSv1; id=abc;", "v=STSv1 ;\tid=abc\t; ", "v=STSv1;  id=abc  ", "v=STSv1\t;id=abc;x=1;"] {
            #expect(try MTASTSRecord(parsing: [[text]]).id == "abc", "\(text)")
        }
    }

    @Test("§3.1: a record that breaks the sts-text-record grammar is invalid")
    func malformed() {
        #expect(recordError("v=STSv1; id=abc;; x=1") == .malformedRecord("", ""))
        #expect(recordError("v=STSv1; id=abc;; x=1")?.reason
            == "malformed TXT record \"v=STSv1; id=abc;; x=1\": empty field at offset 16")
        #expect(recordError("v=STSv1; id=abc extra") == .malformedRecord("", ""))
        #expect(recordError("v=STSv1; id=abc extra")?.reason
            == "malformed TXT record \"v=STSv1; id=abc extra\": expected \";\" at offset 16")
        #expect(recordError("v=STSv1 id=abc") == .malformedRecord("", ""))
        #expect(recordError("v=STSv1; id=abc; garbage")?.reason
            == "malformed TXT record \"v=STSv1; id=abc; garbage\": field \"garbage\" has no \"=\"")
    }

    @Test("§3.1: extension fields follow sts-ext-name and sts-ext-value, and are otherwise ignored")
    func extensions() throws {
        let record = try MTASTSRecord(parsing: [["v=STSv1; id=abc; ext_1.a-b=va!ue; X9=:/~"]])
        #expect(record.id == "abc")
        #expect(record.extensions == [try .init(name: "ext_1.a-b", value: "va!ue"), try .init(name: "X9", value: ":/~")])
        #expect(recordError("v=STSv1; id=abc; _x=1") == .invalidExtension("", ""))
        #expect(recordError("v=STSv1; id=abc; x=a=b") == .invalidExtension("", ""))
        #expect(recordError("v=STSv1; id=abc; x=") == .invalidExtension("", ""))
        #expect(recordError("v=STSv1; id=abc; =1") == .invalidExtension("", ""))
        #expect(recordError("v=STSv1; id=abc; x=\u{7}") == .invalidExtension("", ""))
        let name32 = "n" + String(repeating: "-", count: 31)
        #expect(try MTASTSRecord(parsing: [["v=STSv1; id=abc; \(name32)=1"]]).extensions.map(\.name) == [name32])
        #expect(recordError("v=STSv1; id=abc; \(name32)x=1") == .invalidExtension("", ""))
        #expect(recordError("v=STSv1; id=abc; _x=1")?.reason
            == "invalid field \"_x=1\": the name is not 1 to 32 letters, digits, \"_\", \"-\" or \".\" starting with a letter or digit")
    }

    @Test("§3.2 (last paragraph): of a duplicated field all entries except the first SHALL be ignored")
    func duplicates() throws {
        #expect(try MTASTSRecord(parsing: [["v=STSv1; id=first; id=second"]]).id == "first")
        #expect(try MTASTSRecord(parsing: [["v=STSv1; id=first; id=not-an-id"]]).id == "first")
        let record = try MTASTSRecord(parsing: [["v=STSv1; x=1; id=abc; x=2; v=STSv2"]])
        #expect(record.id == "abc")
        #expect(record.extensions == [try .init(name: "x", value: "1")])
        // Ignored, but still a field: an empty value breaks the grammar.
        #expect(recordError("v=STSv1; id=abc; id=") == .invalidExtension("", ""))
    }

    @Test("§3.1: a record built for publishing prints and parses back to itself")
    func roundTrip() throws {
        let record = try MTASTSRecord(id: "20240101T000000Z", extensions: [try .init(name: "note", value: "hi")])
        #expect(record.text == "v=STSv1; id=20240101T000000Z; note=hi")
        #expect(try MTASTSRecord(parsing: [[record.text]]) == record)
        #expect(thrown { () throws(MTASTSError) in try MTASTSRecord(id: "2024-01-01") } == .invalidID(""))
        #expect(thrown { () throws(MTASTSError) in try MTASTSRecord.Extension(name: "id", value: "x") } == .invalidExtension("", ""))
        #expect(thrown { () throws(MTASTSError) in try MTASTSRecord.Extension(name: "a", value: "b c") } == .invalidExtension("", ""))
        let twice = thrown { () throws(MTASTSError) in
            try MTASTSRecord(id: "a", extensions: [try .init(name: "x", value: "1"), try .init(name: "x", value: "2")])
        }
        #expect(twice?.reason == "invalid field \"x=2\": the name appears more than once")
    }
}
