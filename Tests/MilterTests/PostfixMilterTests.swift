import Foundation
import Milter
import TestSupport
import Testing

/// Real mail through a real Postfix 3.7 `smtpd` (``PostfixMilterHost``) whose `smtpd_milters` is the ``MilterServer``
/// with ``MarkingFilter``, driven by swaks; accepted mail lands in the lab's SMTP sink.
@Suite("Milter with Postfix (lab)", .serialized)
struct PostfixMilterTests {
    static let smtpdAddress = "127.0.11.25"

    @Test func postfixAppliesTheMiltersReplies() async throws {
        let sink = try labSMTPSink()
        let maildir = try labVariable("STOCKADE_LAB_SMTP_MAILDIR")
        let server = try await RunningMilterServer(filter: MarkingFilter())
        defer { server.stop() }
        let smtpdPort = freeLoopbackPort()
        let postfix = try PostfixMilterHost(address: Self.smtpdAddress, port: smtpdPort, milter: "inet:127.0.0.1:\(server.port)", relay: sink)
        defer { postfix.stop() }
        try postfix.start()
        let common = ["--server", Self.smtpdAddress, "--port", "\(smtpdPort)", "--ehlo", "client.test", "--timeout", "20",
                      "--from", "sender@x.test", "--to", "rcpt@y.test"]

        // A marked message: Postfix answers DATA's end with the milter's reply, exactly.
        let rejected = try swaks(common + ["--header", "Subject: REJECT-ME please"])
        #expect(rejected.status != 0)
        #expect(rejected.transcript.contains("\n<** 550 5.7.1 Rejected by test filter\n"), "\(rejected.transcript)\n\(postfix.log())")

        // An ordinary message: queued, relayed to the sink, with the milter's header after swaks' own.
        let token = UUID().uuidString
        let accepted = try swaks(common + ["--header", "Subject: ordinary \(token)", "--add-header", "X-Remove-Me: gone",
                                           "--body", "100% body \(token)"])
        #expect(accepted.status == 0, "\(accepted.transcript)\n\(postfix.log())")
        #expect(accepted.transcript.contains("\n<-  250 2.0.0 Ok: queued as "))
        let delivered = try await Self.waitForMessage(containing: token, in: maildir)
        let lines = delivered.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let headerEnd = try #require(lines.firstIndex(of: ""), "no header/body separator")
        let headers = lines[..<headerEnd]
        #expect(headers.filter { $0.hasPrefix("X-Stockade-Milter:") } == ["X-Stockade-Milter: checked"], "\(delivered)")
        #expect(headers.last == "X-Stockade-Milter: checked", "the added header goes after the others")
        #expect(headers.contains("Subject: ordinary \(token)"))
        #expect(!headers.contains { $0.hasPrefix("X-Remove-Me") }, "chgheader with an empty value deletes")
        // insheader at 0 goes before Postfix's own Received header, which milters never see.
        #expect(headers.first == "X-Stockade-First: yes")
        #expect(headers.dropFirst().first?.hasPrefix("Received: from client.test (unknown [127.0.0.1])") == true)
        #expect(lines[(headerEnd + 1)...].contains("100% body \(token)"))

        // Quarantine: Postfix accepts, then puts the message on hold (its log line does not carry the milter's reason).
        let held = try swaks(common + ["--header", "Subject: QUARANTINE-ME"])
        #expect(held.status == 0 && held.transcript.contains("\n<-  250 2.0.0 Ok: queued as "), "\(held.transcript)")
        let queueID = try #require(held.transcript.split(separator: "\n").first { $0.hasPrefix("<-  250 2.0.0 Ok: queued as ") }?
            .split(separator: " ").last.map(String.init))
        #expect(try await Self.waitForLog("\(queueID): milter-hold: END-OF-MESSAGE from unknown[127.0.0.1]: milter triggers HOLD action;", in: postfix),
                "\(postfix.log())")
        #expect(FileManager.default.fileExists(atPath: "\(postfix.directory.path)/queue/hold/\(queueID)"))

        // The milter gone: Postfix's milter_default_action (tempfail) answers.
        server.stop()
        try await Task.sleep(for: .milliseconds(200))
        let down = try swaks(common + ["--header", "Subject: while down"])
        #expect(down.transcript.contains("\n<** 451 4.7.1 Service unavailable - try again later\n"), "\(down.transcript)")
    }

    /// Whether the instance's log gets a line containing `text` within 5 s.
    static func waitForLog(_ text: String, in postfix: PostfixMilterHost) async throws -> Bool {
        for _ in 0..<100 {
            if postfix.log().contains(text) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// The sink's `.eml` that contains `token` (it stores each message as received, with CRLF line ends).
    static func waitForMessage(containing token: String, in maildir: String) async throws -> String {
        for _ in 0..<200 {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: maildir)) ?? [] where name.hasSuffix(".eml") {
                if let text = try? String(contentsOfFile: "\(maildir)/\(name)", encoding: .utf8), text.contains(token) { return text }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw MessageNotDelivered(token: token)
    }

    struct MessageNotDelivered: Error, CustomStringConvertible {
        let token: String
        var description: String { "no message with \(token) reached the lab sink within 10 s" }
    }
}
