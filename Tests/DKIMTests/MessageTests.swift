import DKIM
import Testing

/// Reading a message as an MTA sees it, and the message limits.
@Suite struct MessageTests {
    @Test("Bare LF is read as CRLF (the MTA's view); CRLF stays; a missing final line end is added")
    func bareLineFeeds() throws {
        let parsed = try DKIMMessage(parsing: Array("From: a\nSubject: b\r\n\nline 1\nline 2".utf8))
        #expect(parsed.headers.map(\.name) == ["From", "Subject"])
        #expect(parsed.body == Array("line 1\r\nline 2\r\n".utf8))
        #expect(parsed.bytes == Array("From: a\r\nSubject: b\r\n\r\nline 1\r\nline 2\r\n".utf8))
    }

    @Test("Folded fields keep their raw bytes, folding included")
    func folding() throws {
        let parsed = try DKIMMessage(parsing: Array("Subject: a\r\n b\r\n\tc\r\nTo: x\r\n\r\n".utf8))
        #expect(parsed.headers.first?.raw == Array("Subject: a\r\n b\r\n\tc".utf8))
        #expect(parsed.headers.count == 2)
        #expect(parsed.body.isEmpty)
    }

    @Test("A message with no empty line is all header; a line that is not a field starts the body")
    func headerEnd() throws {
        #expect(try DKIMMessage(parsing: Array("From: a\r\nTo: b".utf8)).headers.count == 2)
        let odd = try DKIMMessage(parsing: Array("From: a\r\nnot a header\r\nmore\r\n".utf8))
        #expect(odd.headers.map(\.name) == ["From"])
        #expect(odd.body == Array("not a header\r\nmore\r\n".utf8))
    }

    @Test("A name with spaces before the colon is a field; its name has none")
    func spaceBeforeColon() throws {
        #expect(try DKIMMessage(parsing: Array("Subject : x\r\n\r\n".utf8)).headers.first?.name == "Subject")
    }

    @Test("Limits: more than maximumHeaderCount fields, a field over maximumHeaderFieldSize, a message over maximumMessageSize")
    func limits() {
        let many = String(repeating: "X: y\r\n", count: DKIMLimits.maximumHeaderCount + 1) + "\r\n"
        #expect(errorCode { _ = try DKIMMessage(parsing: Array(many.utf8)) } == .tooManyHeaders)
        let long = "X: " + String(repeating: "y", count: DKIMLimits.maximumHeaderFieldSize) + "\r\n\r\n"
        #expect(errorCode { _ = try DKIMMessage(parsing: Array(long.utf8)) } == .headerTooLong)
        let folded = "X: y" + String(repeating: "\r\n y", count: DKIMLimits.maximumHeaderFieldSize / 4) + "\r\n\r\n"
        #expect(errorCode { _ = try DKIMMessage(parsing: Array(folded.utf8)) } == .headerTooLong)
        let huge = [UInt8](repeating: 0x61, count: DKIMLimits.maximumMessageSize + 1)
        #expect(errorCode { _ = try DKIMMessage(parsing: huge) } == .messageTooLarge)
    }
}

/// The code of the ``DKIMError`` `body` throws; nil when it throws nothing (or something else).
func errorCode(_ body: () throws -> Void) -> DKIMError.Code? {
    do {
        try body()
        return nil
    } catch {
        return (error as? DKIMError)?.code
    }
}
