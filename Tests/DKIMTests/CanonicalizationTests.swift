@testable import DKIM
import Testing

/// RFC 6376 §3.4: simple and relaxed canonicalization.
@Suite struct CanonicalizationTests {
    /// RFC 6376 §3.4.6's example message.
    static let example = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n"

    func headers(_ c: Canonicalization) throws -> String {
        let message = try DKIMMessage(parsing: Array(Self.example.utf8))
        var out: [UInt8] = []
        for field in message.headers { c.canonicalize(header: field, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    func body(_ c: Canonicalization, _ text: String) -> String {
        String(decoding: c.canonicalize(body: Array(text.utf8)), as: UTF8.self)
    }

    @Test("§3.4.6: the example, relaxed")
    func relaxedExample() throws {
        #expect(try headers(.relaxed) == "a:X\r\nb:Y Z\r\n")
        let message = try DKIMMessage(parsing: Array(Self.example.utf8))
        #expect(String(decoding: Canonicalization.relaxed.canonicalize(body: message.body), as: UTF8.self) == " C\r\nD E\r\n")
    }

    @Test("§3.4.6: the example, simple")
    func simpleExample() throws {
        #expect(try headers(.simple) == "A: X\r\nB : Y\t\r\n\tZ  \r\n")
        let message = try DKIMMessage(parsing: Array(Self.example.utf8))
        #expect(String(decoding: Canonicalization.simple.canonicalize(body: message.body), as: UTF8.self) == " C \r\nD \t E\r\n")
    }

    @Test("§3.4.3: an empty body is one CRLF in simple; §3.4.4: empty in relaxed")
    func emptyBody() {
        #expect(body(.simple, "") == "\r\n")
        #expect(body(.simple, "\r\n\r\n") == "\r\n")
        #expect(body(.relaxed, "") == "")
        #expect(body(.relaxed, " \r\n\t\r\n") == "")
    }

    @Test("§3.4.3/§3.4.4: trailing empty lines go; a missing final CRLF is added")
    func trailingLines() {
        #expect(body(.simple, "a\r\n\r\n\r\n") == "a\r\n")
        #expect(body(.relaxed, "a \r\n \r\n") == "a\r\n")
        #expect(body(.simple, "a") == "a\r\n")
        #expect(body(.relaxed, "a\t\tb") == "a b\r\n")
    }

    @Test("§3.4.2: relaxed header: lower-case name, unfolded, WSP runs to one space, none around the colon or at the end")
    func relaxedHeader() {
        var out: [UInt8] = []
        Canonicalization.relaxed.canonicalize(header: HeaderField(name: "SubJect \t", value: " \t Hello \r\n\t  World\t "), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "subject:Hello World\r\n")
    }
}
