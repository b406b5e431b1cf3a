import Milter
import Testing

/// Postfix's recorded sessions (``PostfixCapture``) replayed through ``MilterSession``: the exact reply octets after
/// each command, and the message the filter is shown.
@Suite("Milter conversation")
struct MilterConversationTests {
    /// The answer to Postfix's offer with the default configuration: version 6; actions ADDHDRS|CHGHDRS|QUARANTINE|
    /// SETSYMLIST (0x131); steps 0x1ff3c0 = NOEOH|NOHREPL|NOUNKNOWN|NODATA|NR_CONN|NR_HELO|NR_MAIL|NR_RCPT|NR_DATA|
    /// NR_UNKN|NR_EOH|NR_BODY|HDR_LEADSPC; macro lists for stages 0 (connect), 1 (HELO), 2 (MAIL) and 5 (end of message).
    static let negotiationReply = "0000009a4f0000000600000131001ff3c0"
        + "00000000" + "6a207b6461656d6f6e5f6e616d657d207b6461656d6f6e5f616464727d207b636c69656e745f616464727d207b636c69656e745f6e616d657d205f00"
        + "00000001" + "7b746c735f76657273696f6e7d207b6369706865727d00"
        + "00000002" + "69207b617574685f747970657d207b617574685f61757468656e7d207b6d61696c5f616464727d00"
        + "00000005" + "6900"

    /// Replays frames; returns the hex of the replies to each frame, nil where the session closes.
    static func replay(_ frames: [String], _ session: inout MilterSession<FixedFilter>) async throws -> [String?] {
        var out: [String?] = []
        for hexFrame in frames {
            out.append(try await session.receive(try frame(hexFrame)).map(hex))
        }
        return out
    }

    @Test func negotiatedSessionRejectedWithMultiLineReply() async throws {
        let reply = try MilterSMTPReply(code: 550, status: "5.7.1", lines: ["first 100% sure", "second"])
        let filter = FixedFilter(decision: MilterDecision(.reject(reply), headerChanges: [try .add("X-Ignored", "x")]))
        var session = MilterSession(filter: filter)
        let replies = try await Self.replay(PostfixCapture.negotiatedSession, &session)
        var expected: [String?] = Array(repeating: "", count: PostfixCapture.negotiatedSession.count)
        expected[0] = Self.negotiationReply
        expected[27] = "0000002e793535302d352e372e3120666972737420313030252520737572650d0a35353020352e372e31207365636f6e6400"
        expected[30] = nil
        #expect(replies == expected)
    }

    @Test func negotiatedSessionShowsTheFilterTheMessage() async throws {
        let filter = FixedFilter()
        var session = MilterSession(filter: filter)
        _ = try await Self.replay(PostfixCapture.negotiatedSession, &session)
        let message = try #require(filter.message(at: "endOfMessage"))
        #expect(message.client == MilterClient(hostname: "[127.0.0.1]", family: .inet, port: 35_922, address: "127.0.0.1"))
        #expect(message.helo == "client.test")
        #expect(message.sender == "<a@x.test>" && message.senderArguments.isEmpty)
        #expect(message.recipients == ["<b@y.test>"])
        #expect(message.queueID == "B04E7F7E411")
        #expect(message.macro("j") == "milter.lab.test" && message.macro("daemon_name") == "milter.lab.test")
        #expect(message.macro("{daemon_addr}") == "127.0.9.1" && message.macro("_") == "unknown [127.0.0.1]")
        #expect(message.macros["{rcpt_host}"] == "[127.0.6.25]:2525")
        #expect(message.headers.map(\.name) == ["Date", "To", "From", "Subject", "Message-Id", "X-Mailer", "X-Fold"])
        #expect(message.headers.map(\.text) == [" Sun, 06 Dec 2026 11:20:24 +0000", " b@y.test", " a@x.test", "  two  spaces",
                                                " <20261206112024.022951@vm>", " swaks v20201014.0 jetmore.org/john/code/swaks/", " a\n\tb"])
        #expect(message.headerValuesKeepLeadingSpace && !message.headersTruncated)
        #expect(message.body == Array("100% body\r\n\r\n\r\n".utf8) && message.bodyLength == 15 && !message.bodyTruncated)
        // Nothing asked before the end of the message: no hooks.
        #expect(filter.message(at: "connect") == nil && filter.message(at: "mailFrom") == nil)
    }

    @Test func headerChangesQuarantineAndAccept() async throws {
        let filter = FixedFilter(decision: MilterDecision(.accept, headerChanges: [
            try .add("X-Stockade-Milter", "checked"),
            try .insert("Authentication-Results", "mx.test; dmarc=pass", at: 0),
            try .delete("X-Fold", occurrence: 1),
        ], quarantine: "held for review"))
        var session = MilterSession(filter: filter)
        let replies = try await Self.replay(Array(PostfixCapture.negotiatedSession.prefix(28)), &session)
        // HDR_LEADSPC was negotiated: the added values get their space.
        #expect(replies[27] == "0000001c68582d53746f636b6164652d4d696c7465720020636865636b656400"
            + "00000031690000000041757468656e7469636174696f6e2d526573756c747300206d782e746573743b20646d6172633d7061737300"
            + "0000000d6d00000001582d466f6c640000"
            + "000000117168656c6420666f722072657669657700"
            + "0000000161")
    }

    /// Every step answered (protocol 0, no macro lists), hooks at connect, HELO and MAIL FROM: Postfix's default
    /// session gets `c` for each command that takes a reply, `a` at the end, nothing for `D`, `A` and `Q` closes.
    @Test func defaultSessionEveryStepAnswered() async throws {
        let filter = FixedFilter(hooks: [.connect, .helo, .mailFrom])
        var session = MilterSession(filter: filter, configuration: MilterConversation.Configuration(macros: [:], steps: []))
        let frames = PostfixCapture.defaultSession
        let replies = try await Self.replay(frames, &session)
        let expected: [String?] = frames.map { frameHex in
            switch hexBytes(frameHex)[4] {
            case UInt8(ascii: "O"): "0000000d4f000000060000003100000000"
            case UInt8(ascii: "D"), UInt8(ascii: "A"): ""
            case UInt8(ascii: "E"): "0000000161"
            case UInt8(ascii: "Q"): nil
            default: "0000000163"
            }
        }
        #expect(replies == expected)
        #expect(filter.message(at: "connect")?.macro("j") == "milter.lab.test")
        #expect(filter.message(at: "helo")?.helo == "client.test")
        #expect(filter.message(at: "mailFrom")?.macros["{mail_mailer}"] == "smtp")
        #expect(filter.message(at: "endOfMessage")?.headers.first?.text == "Sun, 06 Dec 2026 11:11:54 +0000")
    }

    @Test func earlyVerdicts() async throws {
        let offer = try frame(PostfixCapture.offer)
        let connect = try frame(PostfixCapture.negotiatedSession[2])
        let reject = try MilterSMTPReply(code: 550, status: "5.7.1", "Rejected by test filter")
        var rejecting = MilterSession(filter: FixedFilter(hooks: [.connect], early: .reject(reject)))
        _ = try await rejecting.receive(offer)
        #expect(try await rejecting.receive(connect).map(hex) == "000000237935353020352e372e312052656a656374656420627920746573742066696c74657200")
        var failing = MilterSession(filter: FixedFilter(hooks: [.connect], early: .tempfail(nil)))
        _ = try await failing.receive(offer)
        #expect(try await failing.receive(connect).map(hex) == "0000000174")
        // A hook removes its no-reply flag: NR_CONN (0x1000) is absent from the steps (0x1fe3c0).
        #expect(failing.conversation.negotiated?.steps.rawValue == 0x1F_E3C0)
    }

    @Test func protocolErrors() async throws {
        var session = MilterSession(filter: FixedFilter())
        await #expect(throws: MilterError.self) { try await session.receive(.helo("x")) }
        _ = try await session.receive(try frame(PostfixCapture.offer))
        await #expect(throws: MilterError.self) { try await session.receive(try frame(PostfixCapture.offer)) }
        var old = MilterSession(filter: FixedFilter())
        let version2 = MilterNegotiation(version: 2, actions: MilterActions(rawValue: 0x1FF), steps: MilterProtocolSteps(rawValue: 0x7F))
        #expect(await codeOf { _ = try await old.receive(.negotiate(version2)) } == .unsupportedVersion)
        var stingy = MilterSession(filter: FixedFilter())
        let noHeaders = MilterNegotiation(version: 6, actions: [.addHeaders], steps: MilterProtocolSteps(rawValue: 0x1F_FFFF))
        #expect(await codeOf { _ = try await stingy.receive(.negotiate(noHeaders)) } == .unsupportedVersion)
    }

    /// `K` ends the connection's state; the MTA negotiates again on the same socket.
    @Test func quitNewConnectionStartsOver() async throws {
        var session = MilterSession(filter: FixedFilter())
        _ = try await session.receive(try frame(PostfixCapture.offer))
        _ = try await session.receive(try frame(PostfixCapture.negotiatedSession[2]))
        #expect(try await session.receive(try frame("000000014b")) == [])
        #expect(session.conversation.negotiated == nil && session.conversation.message.client == nil)
        #expect(try await session.receive(try frame(PostfixCapture.offer)).map(hex) == Self.negotiationReply)
    }

    @Test func quarantineReasonStaysOneLine() async throws {
        var session = MilterSession(filter: FixedFilter(decision: MilterDecision(.continue, quarantine: "a\nb\0c\r\nd")))
        _ = try await session.receive(try frame(PostfixCapture.offer))
        #expect(try await session.receive(.endOfMessage([])).map(hex) == "000000097161206220632064" + "00" + "0000000163")
    }

    @Test func limitsBoundWhatIsKept() async throws {
        var configuration = MilterConversation.Configuration()
        configuration.limits = MilterLimits(maximumRecipients: 2, maximumHeaders: 2, maximumMacros: 2, maximumHeaderOctets: 1_000,
                                            maximumBodyOctets: 10)
        let filter = FixedFilter()
        var session = MilterSession(filter: filter, configuration: configuration)
        _ = try await session.receive(try frame(PostfixCapture.offer))
        _ = try await session.receive(.macros(stage: UInt8(ascii: "M"), [MilterMacro(name: "i", value: "1"), MilterMacro(name: "j", value: "2"),
                                                                          MilterMacro(name: "k", value: "3")]))
        _ = try await session.receive(.macros(stage: UInt8(ascii: "E"), [MilterMacro(name: "i", value: "4")]))
        _ = try await session.receive(.mailFrom("<a@x.test>", arguments: []))
        for index in 0..<3 { _ = try await session.receive(.recipient("<r\(index)@y.test>", arguments: [])) }
        for index in 0..<3 { _ = try await session.receive(.header(name: "X-\(index)", value: Array(" v".utf8))) }
        _ = try await session.receive(.body(Array(repeating: 0x61, count: 8)))
        _ = try await session.receive(.body(Array(repeating: 0x62, count: 8)))
        _ = try await session.receive(.endOfMessage([]))
        let message = try #require(filter.message(at: "endOfMessage"))
        #expect(message.recipients == ["<r0@y.test>", "<r1@y.test>"])
        #expect(message.macros == ["i": "4", "j": "2"])
        #expect(message.headers.map(\.name) == ["X-0", "X-1"] && message.headersTruncated)
        #expect(message.body == Array("aaaaaaaabb".utf8) && message.bodyLength == 16 && message.bodyTruncated)
        // Abort starts a new message: the envelope and content are gone, the client stays.
        _ = try await session.receive(.abort)
        #expect(session.conversation.message.sender == nil && session.conversation.message.headers.isEmpty)
    }
}

/// The code of the ``MilterError`` an async body throws.
func codeOf(_ body: () async throws -> Void) async -> MilterError.Code? {
    do {
        try await body()
        return nil
    } catch let error as MilterError {
        return error.code
    } catch {
        fatalError("not a MilterError: \(error)")
    }
}
