import Testing
import TLSRPT

/// The `_smtp._tls` TXT record (RFC 8460 §3), read from strings.
@Suite("TLSRPT record")
struct RecordTests {
    func reason(_ txt: [[String]]) -> String? {
        do {
            _ = try TLSRPTRecord(parsing: txt)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func readsTheRFCExamples() throws {
        // RFC 8460 §3.1.
        let mail = try TLSRPTRecord(parsing: [["v=TLSRPTv1;rua=mailto:reports@example.com"]])
        #expect(mail.rua.map(\.text) == ["mailto:reports@example.com"])
        #expect(mail.rua.map(\.scheme) == [.mailto])
        let web = try TLSRPTRecord(parsing: [["v=TLSRPTv1; ", "rua=https://reporting.example.com/v1/tlsrpt"]])
        #expect(web.rua.map(\.text) == ["https://reporting.example.com/v1/tlsrpt"])
        #expect(web.rua.map(\.scheme) == [.https])
    }

    @Test func readsSeveralURIsSpacesExtensionsAndAFinalSemicolon() throws {
        let record = try TLSRPTRecord(parsing: "v=TLSRPTv1 ;\trua=mailto:a@example.test , https://r.example.test/x?y=1 ; ext.1=val:ue;")
        #expect(record.rua.map(\.text) == ["mailto:a@example.test", "https://r.example.test/x?y=1"])
        #expect(record.text == "v=TLSRPTv1; rua=mailto:a@example.test,https://r.example.test/x?y=1")
        #expect(try TLSRPTRecord(parsing: record.text) == record)
    }

    @Test func selectsTheOneRecordBeginningWithTheVersion() throws {
        let record = try TLSRPTRecord(parsing: [["v=spf1 -all"], ["v=TLSRPTv10; rua=mailto:x@example.test"], ["v=TLSRPTv1; rua=mailto:r@example.test"]])
        #expect(record.rua.map(\.text) == ["mailto:r@example.test"])
        #expect(reason([["v=spf1 -all"]]) == "no TXT record begins with v=TLSRPTv1")
        #expect(reason([]) == "no TXT record begins with v=TLSRPTv1")
        #expect(reason([["v=TLSRPTv1; rua=mailto:a@example.test"], ["v=TLSRPTv1;rua=mailto:b@example.test"]])
                == "2 TXT records begin with v=TLSRPTv1; exactly one is allowed")
    }

    @Test func refusesInvalidRecordsWithTheirReason() {
        let cases: [(String, String)] = [
            ("v=TLSRPTv1", "the record has no rua field"),
            ("v=TLSRPTv1; ext=1", "the record has no rua field"),
            ("v=TLSRPTv1; rua=ftp://example.test/", "rua URI \"ftp://example.test/\": the scheme is not mailto: or https:"),
            ("v=TLSRPTv1; rua=mailto:nobody", "rua URI \"mailto:nobody\": mailto: needs an address with \"@\""),
            ("v=TLSRPTv1; rua=https:///path", "rua URI \"https:///path\": https: needs a host"),
            ("v=TLSRPTv1; rua=mailto:a@example.test,", "rua URI \"\": the scheme is not mailto: or https:"),
            ("v=TLSRPTv1; rua=mailto:a@example.test; rua=mailto:b@example.test", "rua appears more than once"),
            ("v=TLSRPTv1; rua=mailto:a@example.test;; x=1", "an empty field"),
            ("v=TLSRPTv1; rua=mailto:a@example.test; junk", "field \"junk\" has no \"=\""),
            ("v=TLSRPTv1; rua=mailto:a@example.test; _x=1", "field \"_x=1\" is not a valid extension"),
            ("v=TLSRPTv1; rua=mailto:a@example.test; x=a=b", "field \"x=a=b\" is not a valid extension"),
            ("v=TLSRPTv1 x; rua=mailto:a@example.test", "expected \";\" after v=TLSRPTv1"),
            ("v=TLSRPTv1; rua=mailto:é@example.test", "rua URI \"mailto:é@example.test\": a space, control, non-ASCII, \",\" or \";\" must be percent-encoded"),
        ]
        for (record, expected) in cases {
            #expect(reason([[record]]) == expected, "\(record)")
        }
    }

    @Test func refusesTooManyURIs() {
        let uris = (0...TLSRPTRecord.maximumURIs).map { "mailto:r\($0)@example.test" }.joined(separator: ",")
        #expect(reason([["v=TLSRPTv1; rua=" + uris]]) == "more than 16 rua URIs")
    }
}
