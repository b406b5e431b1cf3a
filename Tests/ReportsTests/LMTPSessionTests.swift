import Foundation
import Testing
@testable import Reports

/// The LMTP state machine, reply by reply (RFC 2033, RFC 5321).
@Suite struct LMTPSessionTests {
    static let inbox = "tlsrpt@reports.test"

    /// Feeds a transcript (lines joined by CRLF) and returns what the server sends, deliveries as `DELIVER n`.
    static func run(_ text: String, limits: LMTPLimits = LMTPLimits(maximumMessageSize: 64)) -> (replies: String, messages: [[UInt8]]) {
        var session = LMTPSession(hostname: "inbox.test", limits: limits) { $0.lowercased() == inbox }
        var framer = LMTPLineFramer()
        var replies = ""
        var messages: [[UInt8]] = []
        for line in framer.append(Array(text.utf8)) {
            for action in session.receive(line) {
                switch action {
                case .reply(let reply), .close(let reply): replies += reply.description
                case .replyPerRecipient(let reply, let count): replies += String(repeating: reply.description, count: count)
                case .deliver(let message, let recipients):
                    messages.append(message)
                    replies += "DELIVER \(recipients.count)\r\n"
                }
            }
        }
        return (replies, messages)
    }

    @Test func greetingAndLHLO() {
        let session = LMTPSession(hostname: "inbox.test") { _ in true }
        #expect(session.greeting.description == "220 inbox.test LMTP Stockade report inbox\r\n")
        #expect(Self.run("LHLO postfix.test\r\n").replies
                == "250-inbox.test\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SIZE 64\r\n")
    }

    /// RFC 2033 §4.2: after the final dot, one reply per accepted recipient; refused recipients get none.
    @Test func oneReplyPerAcceptedRecipientAfterData() {
        let result = Self.run("""
            LHLO p\r
            MAIL FROM:<r@sender.test> SIZE=10 BODY=8BITMIME\r
            RCPT TO:<TLSRPT@reports.test>\r
            RCPT TO:<other@reports.test>\r
            RCPT TO:<tlsrpt@reports.test>\r
            DATA\r
            a\r
            ..b\r
            .\r
            QUIT\r

            """)
        #expect(result.replies.split(separator: "\r\n").dropFirst(5).joined(separator: "|")
                == "250 2.1.0 Sender OK|250 2.1.5 Recipient OK|550 5.1.1 No report inbox at this address|250 2.1.5 Recipient OK"
                + "|354 End data with <CR><LF>.<CR><LF>|DELIVER 2|221 2.0.0 Bye")
        // RFC 5321 §4.5.2: the leading dot of "..b" is removed.
        #expect(result.messages == [Array("a\r\n.b\r\n".utf8)])
    }

    @Test func sequenceErrors() {
        #expect(Self.run("MAIL FROM:<a@b>\r\n").replies == "503 5.5.1 Say LHLO first\r\n")
        #expect(Self.run("EHLO x\r\n").replies == "500 5.5.1 This is LMTP: say LHLO (RFC 2033 §4.1)\r\n")
        #expect(Self.run("LHLO x\r\nRCPT TO:<tlsrpt@reports.test>\r\n").replies.hasSuffix("503 5.5.1 Need MAIL before RCPT\r\n"))
        #expect(Self.run("LHLO x\r\nMAIL FROM:<>\r\nDATA\r\n").replies.hasSuffix("503 5.5.1 No valid recipients\r\n"))
        #expect(Self.run("LHLO x\r\nMAIL FROM:<>\r\nMAIL FROM:<>\r\n").replies.hasSuffix("503 5.5.1 Nested MAIL command\r\n"))
        #expect(Self.run("LHLO x\r\nMAIL FROM:<> SIZE=65\r\n").replies.hasSuffix("552 5.3.4 Message size exceeds the limit of 64 octets\r\n"))
        #expect(Self.run("LHLO x\r\nMAIL FROM:<> NOTIFY=NEVER\r\n").replies.hasSuffix("555 5.5.4 Parameter NOTIFY not recognized\r\n"))
        #expect(Self.run("VRFY x\r\nFOO\r\nNOOP\r\n").replies
                == "502 5.5.1 Command not implemented\r\n500 5.5.2 Command not recognized\r\n250 2.0.0 OK\r\n")
        #expect(Self.run("LHLO x\r\nMAIL FROM:<>\r\nRSET\r\nRCPT TO:<tlsrpt@reports.test>\r\n").replies
                .hasSuffix("250 2.0.0 OK\r\n503 5.5.1 Need MAIL before RCPT\r\n"))
    }

    @Test func messageTooLargeIsRefusedPerRecipient() {
        let body = String(repeating: "x", count: 70)
        let result = Self.run("LHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<tlsrpt@reports.test>\r\nRCPT TO:<tlsrpt@reports.test>\r\nDATA\r\n\(body)\r\n.\r\nNOOP\r\n")
        #expect(result.messages.isEmpty)
        #expect(result.replies.hasSuffix("552 5.3.4 Message size exceeds the limit of 64 octets\r\n"
                                         + "552 5.3.4 Message size exceeds the limit of 64 octets\r\n250 2.0.0 OK\r\n"))
    }

    /// RFC 5321 §4.5.3.1.6: a line longer than 1000 octets with its CRLF is refused, in a command or in the message.
    @Test func lineTooLong() {
        let long = String(repeating: "y", count: 999)
        #expect(Self.run("NOOP \(String(repeating: "y", count: 993))\r\n").replies == "250 2.0.0 OK\r\n")
        #expect(Self.run("\(long)\r\nNOOP\r\n").replies == "500 5.5.2 Line too long\r\n250 2.0.0 OK\r\n")
        let result = Self.run("LHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<tlsrpt@reports.test>\r\nDATA\r\n\(long)\r\n.\r\n",
                              limits: LMTPLimits(maximumMessageSize: 10_000))
        #expect(result.replies.hasSuffix("500 5.5.2 Line too long (RFC 5321 §4.5.3.1.6)\r\n"))
    }

    @Test func tooManyErrorsClose() {
        let result = Self.run(String(repeating: "BOGUS\r\n", count: 25))
        #expect(result.replies.components(separatedBy: "\r\n").filter { $0.hasPrefix("500") }.count == 19)
        #expect(result.replies.hasSuffix("421 4.7.0 Too many errors, closing\r\n"))
    }

    @Test func framerAcceptsBareLFAndSplitsAcrossChunks() {
        var framer = LMTPLineFramer(maximumLength: 8)
        #expect(framer.append(Array("NO".utf8)) == [])
        #expect(framer.append(Array("OP\r\nA\nlongerline\nB\n".utf8)) == [.line(Array("NOOP".utf8)), .line([0x41]), .tooLong, .line([0x42])])
    }
}
