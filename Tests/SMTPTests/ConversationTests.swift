@testable import SMTP
import Testing

@Suite struct ConversationTests {
    typealias Action = SMTPConversation.Action

    private let timeouts = SMTPTimeouts(connect: .seconds(1), greeting: .seconds(2), command: .seconds(3), dataInitiation: .seconds(4),
                                        dataTermination: .seconds(5))

    private func configuration(_ tls: SMTPTLSPolicy = .never, credentials: SMTPCredentials? = nil) -> SMTPConfiguration {
        SMTPConfiguration(clientName: "client.example", tls: tls, credentials: credentials, timeouts: timeouts)
    }

    private func delivery(_ recipients: [String] = ["a@x.test", "b@x.test"]) throws -> SMTPConversation.Goal {
        .deliver(try SMTPConversation.Delivery(checkedSender: "s@x.test", recipients: recipients, message: Array("Hi\n.\n".utf8)))
    }

    private func reply(_ code: Int, _ lines: String...) -> SMTPReply { SMTPReply(code: code, lines: lines.isEmpty ? [""] : lines) }

    private func send(_ text: String, _ timeout: Duration) -> Action { .send(Array(text.utf8), timeout: timeout) }

    @Test func probeWithSTARTTLS() {
        var machine = SMTPConversation(goal: .probe, configuration: configuration(.required(.none, serverName: "mx.test")))
        #expect(machine.receivedReply(reply(220, "mx ESMTP")) == send("EHLO client.example\r\n", .seconds(3)))
        #expect(machine.receivedReply(reply(250, "mx", "STARTTLS", "SIZE 100")) == send("STARTTLS\r\n", .seconds(3)))
        #expect(machine.receivedReply(reply(220, "go ahead")) == .startTLS(timeout: .seconds(3)))
        let details = SMTPTLSDetails(version: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", peerCertificates: [[1, 2]])
        #expect(machine.tlsEstablished(details) == send("EHLO client.example\r\n", .seconds(3)))
        #expect(machine.receivedReply(reply(250, "mx", "AUTH PLAIN", "PIPELINING")) == send("QUIT\r\n", .seconds(3)))
        guard case .succeed(let report) = machine.receivedReply(reply(221, "bye")) else { Issue.record("no report"); return }
        #expect(report.tls == details)
        #expect(report.extensions.authMechanisms == ["PLAIN"])
        #expect(report.extensions.pipelining && !report.extensions.startTLS)
        #expect(report.greeting.code == 220 && !report.usedHELO && report.messageReply == nil)
        #expect(machine.connectionClosed() == .none)
    }

    @Test func fallsBackToHELO() {
        var machine = SMTPConversation(goal: .probe, configuration: configuration(.opportunistic(.none)))
        _ = machine.receivedReply(reply(220))
        #expect(machine.receivedReply(reply(502, "5.5.1 unrecognized")) == send("HELO client.example\r\n", .seconds(3)))
        #expect(machine.receivedReply(reply(250, "mx")) == send("QUIT\r\n", .seconds(3)))
        guard case .succeed(let report) = machine.connectionClosed() else { Issue.record("no report"); return }
        #expect(report.usedHELO && report.tls == nil && report.extensions == SMTPExtensions())
    }

    @Test func requiredTLSNotOffered() {
        var machine = SMTPConversation(goal: .probe, configuration: configuration(.required(.none)))
        _ = machine.receivedReply(reply(220))
        #expect(machine.receivedReply(reply(250, "mx", "PIPELINING")) == send("QUIT\r\n", .seconds(3)))
        #expect(machine.receivedReply(reply(221)) == .fail(.startTLSUnavailable("")))
    }

    @Test func opportunisticTLSRefusedContinuesInPlaintext() throws {
        var machine = SMTPConversation(goal: try delivery(["a@x.test"]), configuration: configuration(.opportunistic(.none)))
        _ = machine.receivedReply(reply(220))
        _ = machine.receivedReply(reply(250, "mx", "STARTTLS"))
        #expect(machine.receivedReply(reply(454, "4.7.0 TLS not available")) == send("MAIL FROM:<s@x.test>\r\n", .seconds(3)))
    }

    @Test func rejectedGreeting() {
        var machine = SMTPConversation(goal: .probe, configuration: configuration())
        #expect(machine.receivedReply(reply(554, "5.3.2 no service")) == send("QUIT\r\n", .seconds(3)))
        let action = machine.timedOut()
        #expect(action == .fail(.rejected("", reply(554))))
        guard case .fail(let error) = action else { return }
        #expect(error.isPermanent && error.reply?.code == 554)
    }

    @Test func pipelinedDelivery() throws {
        var machine = SMTPConversation(goal: try delivery(), configuration: configuration())
        _ = machine.receivedReply(reply(220))
        let envelope = "MAIL FROM:<s@x.test> SIZE=5\r\nRCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n"
        #expect(machine.receivedReply(reply(250, "mx", "PIPELINING", "SIZE 1000")) == send(envelope, .seconds(3)))
        #expect(machine.receivedReply(reply(250)) == .awaitReply(timeout: .seconds(3)))
        #expect(machine.receivedReply(reply(250)) == .awaitReply(timeout: .seconds(3)))
        #expect(machine.receivedReply(reply(251, "will forward")) == .awaitReply(timeout: .seconds(4)))
        #expect(machine.receivedReply(reply(354)) == send("Hi\r\n..\r\n.\r\n", .seconds(5)))
        #expect(machine.receivedReply(reply(250, "2.0.0 queued as 7")) == send("QUIT\r\n", .seconds(3)))
        guard case .succeed(let report) = machine.receivedReply(reply(221)) else { Issue.record("no report"); return }
        #expect(report.acceptedRecipients == ["a@x.test", "b@x.test"])
        #expect(report.messageReply?.enhancedStatus?.description == "2.0.0")
    }

    @Test func oneCommandAtATimeWithoutPipelining() throws {
        var machine = SMTPConversation(goal: try delivery(), configuration: configuration())
        _ = machine.receivedReply(reply(220))
        #expect(machine.receivedReply(reply(250, "mx", "8BITMIME")) == send("MAIL FROM:<s@x.test>\r\n", .seconds(3)))
        #expect(machine.receivedReply(reply(250)) == send("RCPT TO:<a@x.test>\r\n", .seconds(3)))
        #expect(machine.receivedReply(reply(250)) == send("RCPT TO:<b@x.test>\r\n", .seconds(3)))
        #expect(machine.receivedReply(reply(250)) == send("DATA\r\n", .seconds(4)))
        #expect(machine.receivedReply(reply(354)) == send("Hi\r\n..\r\n.\r\n", .seconds(5)))
    }

    @Test func refusedRecipientStopsTheTransaction() throws {
        var machine = SMTPConversation(goal: try delivery(["a@x.test", "no@reject.test", "b@x.test"]), configuration: configuration())
        _ = machine.receivedReply(reply(220))
        _ = machine.receivedReply(reply(250, "mx"))
        _ = machine.receivedReply(reply(250))
        _ = machine.receivedReply(reply(250))
        #expect(machine.receivedReply(reply(550, "5.1.1 no such user")) == send("QUIT\r\n", .seconds(3)))
        guard case .fail(let error) = machine.receivedReply(reply(221)) else { Issue.record("no failure"); return }
        #expect(error == .recipientRejected("", reply(550)))
        #expect(error.recipient == "no@reject.test" && error.isPermanent && !error.isTransient)
        #expect(error.reply?.enhancedStatus == EnhancedStatusCode(statusClass: 5, subject: 1, detail: 1))
    }

    @Test func pipelinedRefusalWithDATAAcceptedClosesWithoutTheMessage() throws {
        var machine = SMTPConversation(goal: try delivery(["a@x.test", "t@tempfail.test"]), configuration: configuration())
        _ = machine.receivedReply(reply(220))
        _ = machine.receivedReply(reply(250, "mx", "PIPELINING"))
        _ = machine.receivedReply(reply(250))
        _ = machine.receivedReply(reply(250))
        #expect(machine.receivedReply(reply(451, "4.3.0 later")) == .awaitReply(timeout: .seconds(4)))
        let action = machine.receivedReply(reply(354))
        #expect(action == .fail(.recipientRejected("", reply(451))))
        guard case .fail(let error) = action else { return }
        #expect(error.isTransient && error.recipient == "t@tempfail.test")
    }

    @Test func pipelinedRefusalWithDATARefusedQuits() throws {
        var machine = SMTPConversation(goal: try delivery(["x@reject.test"]), configuration: configuration())
        _ = machine.receivedReply(reply(220))
        _ = machine.receivedReply(reply(250, "mx", "PIPELINING"))
        _ = machine.receivedReply(reply(250))
        _ = machine.receivedReply(reply(550))
        #expect(machine.receivedReply(reply(554, "no valid recipients")) == send("QUIT\r\n", .seconds(3)))
        #expect(machine.connectionClosed() == .fail(.recipientRejected("", reply(550))))
    }

    @Test func authPlain() throws {
        let credentials = SMTPCredentials(username: "user", password: "pass", allowWithoutTLS: true)
        var machine = SMTPConversation(goal: try delivery(["a@x.test"]), configuration: configuration(credentials: credentials))
        _ = machine.receivedReply(reply(220))
        // RFC 4616: NUL user NUL pass
        #expect(machine.receivedReply(reply(250, "mx", "AUTH LOGIN PLAIN")) == send("AUTH PLAIN AHVzZXIAcGFzcw==\r\n", .seconds(3)))
        #expect(machine.receivedReply(reply(235, "2.7.0 ok")) == send("MAIL FROM:<s@x.test>\r\n", .seconds(3)))
    }

    @Test func authFailureIsPermanent() throws {
        let credentials = SMTPCredentials(username: "user", password: "bad", allowWithoutTLS: true)
        var machine = SMTPConversation(goal: try delivery(["a@x.test"]), configuration: configuration(credentials: credentials))
        _ = machine.receivedReply(reply(220))
        _ = machine.receivedReply(reply(250, "mx", "AUTH=PLAIN"))
        #expect(machine.receivedReply(reply(535, "5.7.8 invalid")) == send("QUIT\r\n", .seconds(3)))
        guard case .fail(let error) = machine.receivedReply(reply(221)) else { Issue.record("no failure"); return }
        #expect(error == .authenticationFailed(reply(535)) && error.isPermanent)
    }

    @Test func authNeedsTLSUnlessAllowed() throws {
        var machine = SMTPConversation(goal: try delivery(["a@x.test"]),
                                       configuration: configuration(credentials: SMTPCredentials(username: "u", password: "p")))
        _ = machine.receivedReply(reply(220))
        #expect(machine.receivedReply(reply(250, "mx", "AUTH PLAIN")) == send("QUIT\r\n", .seconds(3)))
        #expect(machine.connectionClosed() == .fail(.authenticationRequiresTLS()))
    }

    @Test func authUnavailable() throws {
        var machine = SMTPConversation(goal: try delivery(["a@x.test"]),
                                       configuration: configuration(credentials: SMTPCredentials(username: "u", password: "p", allowWithoutTLS: true)))
        _ = machine.receivedReply(reply(220))
        _ = machine.receivedReply(reply(250, "mx", "AUTH LOGIN"))
        #expect(machine.timedOut() == .fail(.authenticationUnavailable("")))
    }

    @Test func sizeAndUTF8Limits() throws {
        var machine = SMTPConversation(goal: try delivery(["a@x.test"]), configuration: configuration())
        _ = machine.receivedReply(reply(220))
        _ = machine.receivedReply(reply(250, "mx", "SIZE 3"))
        #expect(machine.connectionClosed() == .fail(.messageTooLarge(5, limit: 3)))
        var utf8 = SMTPConversation(goal: try delivery(["ü@x.test"]), configuration: configuration())
        _ = utf8.receivedReply(reply(220))
        _ = utf8.receivedReply(reply(250, "mx"))
        #expect(utf8.connectionClosed() == .fail(.smtpUTF8Unavailable("")))
        var offered = SMTPConversation(goal: try delivery(["ü@x.test"]), configuration: configuration())
        _ = offered.receivedReply(reply(220))
        #expect(offered.receivedReply(reply(250, "mx", "SMTPUTF8")) == send("MAIL FROM:<s@x.test> SMTPUTF8\r\n", .seconds(3)))
    }

    @Test func timeoutsCloseAndStrayReplies() throws {
        var greeting = SMTPConversation(goal: .probe, configuration: configuration())
        #expect(greeting.timedOut() == .fail(.timeout("")))
        #expect(greeting.receivedReply(reply(220)) == .none)
        var closed = SMTPConversation(goal: try delivery(), configuration: configuration())
        _ = closed.receivedReply(reply(220))
        #expect(closed.connectionClosed() == .fail(.connectionClosed("")))
        var handshake = SMTPConversation(goal: .probe, configuration: configuration(.required(.none)))
        _ = handshake.receivedReply(reply(220))
        _ = handshake.receivedReply(reply(250, "mx", "STARTTLS"))
        _ = handshake.receivedReply(reply(220))
        #expect(handshake.receivedReply(reply(250, "injected")) == .fail(.protocolViolation("")))
    }

    @Test func refusesUnusableAddresses() {
        for (sender, recipients) in [("s@x", [String]()), ("s@x", [""]), ("s@x>", ["a@x"]), ("s@x", ["a@x\r\nRSET"]), ("s@x", ["a b@x"])] {
            #expect(throws: SMTPError.invalidAddress("")) {
                _ = try SMTPConversation.Delivery(checkedSender: sender, recipients: recipients, message: [])
            }
        }
        #expect(throws: Never.self) { _ = try SMTPConversation.Delivery(checkedSender: "", recipients: ["a@x"], message: []) }
    }
}
