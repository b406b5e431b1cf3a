import Milter
import NIOCore

/// `MilterFrame.next` → `MilterCommand(_:)` → `MilterConversation`: the bytes Postfix sends a milter (Sendmail milter
/// protocol version 6). Frames consume exactly their length, errors leave the buffer untouched, decoded strings hold
/// no NUL, item limits hold, and every reply encodes to a frame that reads back the same.
enum MilterFrameHarness {
    static func run(_ input: [UInt8]) {
        var buffer = ByteBuffer(bytes: input)
        var conversation = MilterConversation()
        var frames = 0
        while buffer.readableBytes > 0 {
            let before = buffer
            let frame: MilterFrame?
            do {
                frame = try MilterFrame.next(&buffer)
            } catch {
                require(buffer == before, "a frame error moved the buffer")
                require(error.code == .emptyFrame || error.code == .frameTooLarge, "frame error \(error)")
                return
            }
            guard let frame else {
                require(buffer == before, "an incomplete frame moved the buffer")
                return
            }
            frames += 1
            require(frames <= input.count / 5, "\(frames) frames in \(input.count) octets")
            let consumed = before.readableBytes - buffer.readableBytes
            require(consumed == 5 + frame.data.readableBytes && consumed <= 4 + MilterFrame.maximumLength, "consumed \(consumed)")
            var again = ByteBuffer()
            frame.write(to: &again)
            require(again.readableBytesView.elementsEqual(before.readableBytesView.prefix(consumed)), "re-encoded frame differs")
            let command: MilterCommand
            do {
                command = try MilterCommand(frame)
            } catch {
                require(!error.reason.isEmpty, "a MilterError without a reason")
                return
            }
            check(command)
            let action: MilterConversation.Action
            do {
                action = try conversation.receive(command)
            } catch {
                require(!error.reason.isEmpty, "a MilterError without a reason")
                return
            }
            switch action {
            case .close:
                return
            case .reply(let replies):
                checkEncoding(replies)
            case .ask(.endOfMessage(let message)):
                require(message.body.count <= MilterLimits.defaultMaximumBodyOctets && message.body.count <= message.bodyLength, "body")
                require(message.headers.count <= MilterLimits.defaultMaximumHeaders, "headers")
                checkEncoding(conversation.answer(MilterDecision(.accept, headerChanges: [try! .add("X-Fuzz", "1")], quarantine: "q")))
            case .ask:
                checkEncoding(conversation.answer(MilterVerdict.continue))
            }
        }
    }

    private static func check(_ command: MilterCommand) {
        switch command {
        case .macros(_, let macros):
            require(macros.count <= MilterCommand.maximumMacros, "\(macros.count) macros")
            require(macros.allSatisfy { !$0.name.utf8.contains(0) && !$0.value.utf8.contains(0) }, "NUL in a macro")
        case .mailFrom(let address, let arguments), .recipient(let address, let arguments):
            require(arguments.count <= MilterCommand.maximumArguments, "\(arguments.count) arguments")
            require(!address.utf8.contains(0) && arguments.allSatisfy { !$0.utf8.contains(0) }, "NUL in an address")
        case .header(let name, let value):
            require(!name.utf8.contains(0) && !value.contains(0), "NUL in a header")
        case .connect(let client):
            require(!client.hostname.utf8.contains(0) && !client.address.utf8.contains(0), "NUL in the client")
            require(client.family != .unknown || (client.port == 0 && client.address.isEmpty), "unknown family with an address")
        case .helo(let text), .unknown(let text):
            require(!text.utf8.contains(0), "NUL in a string")
        default:
            break
        }
    }

    private static func checkEncoding(_ replies: [MilterReply]) {
        for reply in replies {
            var buffer = ByteBuffer()
            reply.write(to: &buffer)
            let written = buffer
            do {
                let frame = try MilterFrame.next(&buffer)
                require(frame == reply.frame && buffer.readableBytes == 0, "reply \(reply) does not read back")
            } catch {
                fatalError("reply \(reply) encodes to a bad frame (\(written.readableBytes) octets): \(error)")
            }
        }
    }
}
