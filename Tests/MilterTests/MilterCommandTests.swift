import Milter
import NIOCore
import Testing

/// Each command decoded from Postfix's own bytes (``PostfixCapture``) and from hand-made frames for what Postfix
/// does not send here.
@Suite("Milter commands")
struct MilterCommandTests {
    static func command(_ hex: String) throws -> MilterCommand { try MilterCommand(try frame(hex)) }

    @Test func postfixOffer() throws {
        #expect(try Self.command(PostfixCapture.offer)
            == .negotiate(MilterNegotiation(version: 6, actions: MilterActions(rawValue: 0x1FF), steps: MilterProtocolSteps(rawValue: 0x1F_FFFF))))
    }

    @Test func postfixConnectHeloMailRecipient() throws {
        let session = PostfixCapture.negotiatedSession
        #expect(try Self.command(session[2]) == .connect(MilterClient(hostname: "[127.0.0.1]", family: .inet, port: 35_922, address: "127.0.0.1")))
        #expect(try Self.command(session[4]) == .helo("client.test"))
        #expect(try Self.command(session[6]) == .mailFrom("<a@x.test>", arguments: []))
        #expect(try Self.command(session[8]) == .recipient("<b@y.test>", arguments: []))
    }

    @Test func postfixMacros() throws {
        let session = PostfixCapture.negotiatedSession
        #expect(try Self.command(session[1]) == .macros(stage: UInt8(ascii: "C"), [
            MilterMacro(name: "j", value: "milter.lab.test"), MilterMacro(name: "{daemon_name}", value: "milter.lab.test"),
            MilterMacro(name: "{daemon_addr}", value: "127.0.9.1"), MilterMacro(name: "{client_addr}", value: "127.0.0.1"),
            MilterMacro(name: "{client_name}", value: "unknown"), MilterMacro(name: "_", value: "unknown [127.0.0.1]"),
        ]))
        #expect(try Self.command(session[3]) == .macros(stage: UInt8(ascii: "H"), []))
        #expect(try Self.command(session[9]) == .macros(stage: UInt8(ascii: "T"), [MilterMacro(name: "i", value: "B04E7F7E411")]))
    }

    @Test func postfixHeadersBodyEnd() throws {
        let session = PostfixCapture.negotiatedSession
        #expect(try Self.command(session[17]) == .header(name: "Subject", value: Array("  two  spaces".utf8)))
        #expect(try Self.command(session[23]) == .header(name: "X-Fold", value: Array(" a\n\tb".utf8)))
        #expect(try Self.command(session[25]) == .body(Array("100% body\r\n\r\n\r\n".utf8)))
        #expect(try Self.command(session[27]) == .endOfMessage([]))
        #expect(try Self.command(session[28]) == .abort)
        #expect(try Self.command(session[30]) == .quit)
    }

    @Test func commandsPostfixSkippedHere() throws {
        #expect(try Self.command("0000000154") == .data)
        #expect(try Self.command("000000014e") == .endOfHeaders)
        #expect(try Self.command("000000014b") == .quitNewConnection)
        #expect(try Self.command("0000000a55584649525354203100") == .unknown("XFIRST 1"))
        // MAIL FROM with ESMTP arguments, RCPT with NOTIFY
        #expect(try Self.command("000000244d3c6140782e746573743e0053495a453d3130300020424f44593d384249544d494d4500")
            == .mailFrom("<a@x.test>", arguments: ["SIZE=100", " BODY=8BITMIME"]))
        #expect(try Self.command("00000019523c6240792e746573743e004e4f544946593d4e4556455200")
            == .recipient("<b@y.test>", arguments: ["NOTIFY=NEVER"]))
        // the families: IPv6 (Sendmail's IPv6: prefix removed), a Unix socket, unknown
        #expect(try Self.command("00000019436d782e7465737400360019495076363a323030313a3a3100")
            == .connect(MilterClient(hostname: "mx.test", family: .inet6, port: 25, address: "2001::1")))
        #expect(try Self.command("0000001343686f7374004c00002f72756e2f736f636b00")
            == .connect(MilterClient(hostname: "host", family: .unix, port: 0, address: "/run/sock")))
        #expect(try Self.command("0000000a43756e6b6e6f776e0055") == .connect(MilterClient(hostname: "unknown", family: .unknown)))
        // E may carry a last body chunk
        #expect(try Self.command("0000000445616263") == .endOfMessage(Array("abc".utf8)))
    }

    @Test func malformedCommands() {
        let cases: [(String, MilterError.Code, String)] = [
            ("000000015a", .unknownCommand, "Z is no command"),
            ("000000094f0000000600000001", .malformedCommand, "O cut short"),
            ("0000000448616263", .malformedCommand, "H without its NUL"),
            ("00000006486100626300", .malformedCommand, "H with a second string"),
            ("00000006436800370000", .malformedCommand, "C with family 7"),
            ("0000000443680034", .malformedCommand, "C without its port"),
            ("0000000f4368003400193132372e302e302e31", .malformedCommand, "C with an address without its NUL"),
            ("000000054368005578", .malformedCommand, "C unknown family with more data"),
            ("000000094c5375626a65637400", .malformedCommand, "L without a value"),
            ("00000003444361", .malformedCommand, "D name without its NUL"),
            ("0000000444436100", .malformedCommand, "D name without a value"),
            ("0000000144", .malformedCommand, "D without a stage letter"),
            ("000000024178", .malformedCommand, "A with data"),
            ("000000014d", .malformedCommand, "M without an address"),
        ]
        for (hex, code, what) in cases {
            #expect(errorCode { _ = try MilterCommand(try frame(hex)) } == code, "\(what)")
        }
    }

    @Test func itemLimits() throws {
        var macros = ByteBuffer(string: "C")
        for index in 0..<MilterCommand.maximumMacros { macros.writeString("m\(index)\0v\0") }
        #expect(errorCode { _ = try MilterCommand(MilterFrame(command: UInt8(ascii: "D"), data: macros)) } == nil)
        macros.writeString("x\0y\0")
        #expect(errorCode { _ = try MilterCommand(MilterFrame(command: UInt8(ascii: "D"), data: macros)) } == .tooManyItems)
        var mail = ByteBuffer(string: "<a@x.test>\0")
        for _ in 0..<MilterCommand.maximumArguments { mail.writeString("X=1\0") }
        #expect(errorCode { _ = try MilterCommand(MilterFrame(command: UInt8(ascii: "M"), data: mail)) } == nil)
        mail.writeString("Y=2\0")
        #expect(errorCode { _ = try MilterCommand(MilterFrame(command: UInt8(ascii: "M"), data: mail)) } == .tooManyItems)
        #expect(MilterCommand.maximumMacros == 64 && MilterCommand.maximumArguments == 32)
    }
}
