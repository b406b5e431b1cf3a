import KeyServer
import SMTP
@testable import StockadeServer
import Testing

/// What the outbox stores and logs for an SMTP client error: reply codes or fixed phrases, never the error's text,
/// which quotes the recipient.
@Suite struct MailOutboxTests {
    let recipient = "Alice.Secret@example.org"

    @Test func aRefusedRecipientKeepsOnlyTheCodes() {
        let reply = SMTPReply(code: 550, lines: ["5.1.1 <\(recipient)>: Recipient address rejected: User unknown"])
        let error = SMTPError.recipientRejected(recipient, reply)
        #expect(error.reason.contains(recipient))
        let failure = MailTransportFailure(error)
        #expect(failure.reason == "550 5.1.1")
        #expect(!failure.transient)
    }

    @Test func aTransientReplyWithoutAnEnhancedCode() {
        let failure = MailTransportFailure(SMTPError.recipientRejected(recipient, SMTPReply(code: 450, lines: ["<\(recipient)> greylisted"])))
        #expect(failure.reason == "450")
        #expect(failure.transient)
    }

    @Test func errorsWithoutAReplyBecomeFixedPhrases() {
        let cases: [(SMTPError, String, Bool)] = [
            (.invalidAddress(recipient), "address unusable", false),
            (.smtpUTF8Unavailable(recipient), "address unusable", false),
            (.connection("relay.example:587", "reset \(recipient)"), "connection failed", true),
            (.connectionRefused("relay.example:587"), "connection failed", true),
            (.connectionClosed("after RCPT <\(recipient)>"), "connection failed", true),
            (.resolution("relay.example", "NXDOMAIN"), "resolution failed", true),
            (.timeout("waiting for the reply to RCPT <\(recipient)>"), "timed out", true),
            (.tls("certificate for \(recipient)"), "TLS failed", true),
            (.startTLSUnavailable("not offered"), "TLS failed", true),
            (.protocolViolation("\(recipient)"), "protocol error", true),
            (.messageTooLarge(2_000_000, limit: 1_000_000), "message too large", false),
            (.cancelled(), "cancelled", true),
        ]
        for (error, phrase, transient) in cases {
            let failure = MailTransportFailure(error)
            #expect(failure.reason == phrase, "\(error)")
            #expect(failure.transient == transient, "\(error)")
            #expect(!failure.reason.contains(recipient))
        }
    }
}
