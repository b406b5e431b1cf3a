@testable import SMTP
import Testing

@Suite struct ExtensionsTests {
    @Test func readsTheEHLOReply() {
        let reply = SMTPReply(code: 250, lines: ["mx.example.org greets you", "PIPELINING", "SIZE 35882577", "8BITMIME", "smtputf8",
                                                 "AUTH PLAIN login", "AUTH=CRAM-MD5", "STARTTLS", "ENHANCEDSTATUSCODES", ""])
        let extensions = SMTPExtensions(ehloReply: reply)
        #expect(extensions.pipelining && extensions.startTLS && extensions.eightBitMIME && extensions.smtpUTF8 && extensions.enhancedStatusCodes)
        #expect(extensions.maximumSize == 35_882_577)
        #expect(extensions.authMechanisms == ["PLAIN", "LOGIN", "CRAM-MD5"])
        #expect(!extensions.contains("CHUNKING"))
        #expect(SMTPExtensions(ehloReply: SMTPReply(code: 250, lines: ["mx"])) == SMTPExtensions())
        #expect(SMTPExtensions(ehloReply: SMTPReply(code: 250, lines: ["mx", "SIZE"])).maximumSize == nil)
    }
}
