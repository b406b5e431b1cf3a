import Milter
import Testing

/// Each reply's exact frame (`SMFIR_*`), and the SMTP replies Postfix accepts in `y`.
@Suite("Milter replies")
struct MilterReplyTests {
    @Test func simpleReplies() {
        #expect(hex([.accept]) == "0000000161")
        #expect(hex([.continue]) == "0000000163")
        #expect(hex([.reject]) == "0000000172")
        #expect(hex([.tempfail]) == "0000000174")
        #expect(hex([.discard]) == "0000000164")
        #expect(hex([.progress]) == "0000000170")
        #expect(hex([.skip]) == "0000000173")
    }

    @Test func repliesWithData() throws {
        #expect(hex([.quarantine("held for review")]) == "000000117168656c6420666f722072657669657700")
        #expect(hex([.addHeader(name: "X-Stockade-Milter", value: " checked")]) == "0000001c68582d53746f636b6164652d4d696c7465720020636865636b656400")
        #expect(hex([.insertHeader(index: 0, name: "Authentication-Results", value: " mx.test; dmarc=pass")])
            == "00000031690000000041757468656e7469636174696f6e2d526573756c747300206d782e746573743b20646d6172633d7061737300")
        #expect(hex([.changeHeader(index: 1, name: "X-Fold", value: "")]) == "0000000d6d00000001582d466f6c640000")
        #expect(hex([.replyCode(try MilterSMTPReply(code: 550, status: "5.7.1", "Rejected by test filter"))])
            == "000000237935353020352e372e312052656a656374656420627920746573742066696c74657200")
        #expect(hex([.negotiate(MilterNegotiation(actions: [.addHeaders, .changeHeaders, .quarantine], steps: []))])
            == "0000000d4f000000060000003100000000")
    }

    @Test func multiLineReplyDoublesPercent() throws {
        let reply = try MilterSMTPReply(code: 550, status: "5.7.1", lines: ["first 100% sure", "second"])
        #expect(reply.encoded == "550-5.7.1 first 100%% sure\r\n550 5.7.1 second")
        #expect(hex([.replyCode(reply)]) == "0000002e793535302d352e372e3120666972737420313030252520737572650d0a35353020352e372e31207365636f6e6400")
        #expect(try MilterSMTPReply(code: 451, status: "4.7.1", "Try again later").encoded == "451 4.7.1 Try again later")
    }

    @Test func smtpRepliesPostfixWouldRefuse() {
        let bad: [(Int, String, [String])] = [
            (250, "2.0.0", ["ok"]), (650, "6.0.0", ["x"]), (550, "4.7.1", ["class differs"]), (550, "5.7", ["short"]),
            (550, "5.7.1a", ["letter"]), (550, "5.7.1", []), (550, "5.7.1", ["a\r\nb"]), (550, "5.7.1", ["nul\0"]),
            (550, "5.7.1", [String(repeating: "x", count: MilterSMTPReply.maximumLineLength + 1)]),
            (550, "5.7.1", Array(repeating: "x", count: MilterSMTPReply.maximumLines + 1)),
        ]
        for (code, status, lines) in bad {
            #expect(errorCode { _ = try MilterSMTPReply(code: code, status: status, lines: lines) } == .invalidReply, "\(code) \(status) \(lines.prefix(1))")
        }
        #expect(errorCode { _ = try MilterSMTPReply(code: 421, status: "4.3.2", lines: Array(repeating: "x", count: 32)) } == nil)
    }

    @Test func headerChangesAreChecked() {
        #expect(errorCode { _ = try MilterHeaderChange.add("Bad Name", "x") } == .invalidReply)
        #expect(errorCode { _ = try MilterHeaderChange.add("X-A:", "x") } == .invalidReply)
        #expect(errorCode { _ = try MilterHeaderChange.add("", "x") } == .invalidReply)
        #expect(errorCode { _ = try MilterHeaderChange.add("X-A", "a\r\n b") } == .invalidReply)
        #expect(errorCode { _ = try MilterHeaderChange.add("X-A", "a\nb") } == .invalidReply)
        #expect(errorCode { _ = try MilterHeaderChange.add("X-A", "a\0") } == .invalidReply)
        #expect(errorCode { _ = try MilterHeaderChange(.add, name: "X-A", value: nil) } == .invalidReply)
        #expect(errorCode { _ = try MilterHeaderChange.add("X-A", "a\n\tb") } == nil)
        #expect(errorCode { _ = try MilterHeaderChange.delete("X-A", occurrence: 2) } == nil)
    }
}
