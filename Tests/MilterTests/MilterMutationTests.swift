import Milter
import NIOCore
import TestSupport
import Testing

/// 100 000 seeded mutations of Postfix's recorded frames through the frame decoder, the command decoder and the
/// conversation: only ``MilterError``s (typed throws), no trap, and work bounded by the input's length.
@Suite("Milter mutated frames")
struct MilterMutationTests {
    static let count = 100_000
    static let frames = PostfixCapture.negotiatedSession.map(hexBytes)

    /// A window of consecutive recorded frames (from the offer, so the conversation gets past negotiation), then one
    /// mutation: flip a byte, set a length field to an edge value, insert a NUL or a letter, delete or duplicate a
    /// slice, or truncate.
    static func mutant(_ random: inout SeededGenerator) -> [UInt8] {
        let end = Int.random(in: 2...frames.count, using: &random)
        let start = Bool.random(using: &random) ? 0 : Int.random(in: 0..<end, using: &random)
        var bytes = Array(frames[start..<end].joined())
        let at = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<7, using: &random) {
        case 0:
            bytes[at] ^= UInt8.random(in: 1...255, using: &random)
        case 1:
            let lengths: [UInt32] = [0, 1, 2, 5, 13, 0xFFFF, 0x2_0000, 0x2_0001, 0xFFFF_FFFF]
            let value = lengths.randomElement(using: &random)!
            let slot = min(at, bytes.count - 4)
            bytes.replaceSubrange(slot..<slot + 4, with: withUnsafeBytes(of: value.bigEndian, Array.init))
        case 2:
            bytes.insert([0, UInt8(ascii: "4"), UInt8(ascii: "6"), UInt8(ascii: "U"), UInt8(ascii: "L"), 0xFF].randomElement(using: &random)!, at: at)
        case 3:
            bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &random)))
        case 4:
            let slice = bytes[at..<min(bytes.count, at + Int.random(in: 1...32, using: &random))]
            bytes.insert(contentsOf: slice, at: at)
        case 5:
            bytes.removeSubrange(at...)
        default:
            bytes[at] = [UInt8]("OCHMRDLNBEAQTUKZ".utf8).randomElement(using: &random)!
        }
        return bytes
    }

    /// Runs one input; returns whether every frame in it was accepted.
    static func run(_ input: [UInt8]) -> Bool {
        var buffer = ByteBuffer(bytes: input)
        var conversation = MilterConversation()
        var steps = 0
        do {
            while let frame = try MilterFrame.next(&buffer) {
                steps += 1
                precondition(steps <= input.count / 5, "more frames than 5-octet frames fit")
                precondition(frame.data.readableBytes < MilterFrame.maximumLength)
                switch try conversation.receive(try MilterCommand(frame)) {
                case .close: return true
                case .reply(let replies): precondition(replies.count <= 1)
                case .ask(.endOfMessage): _ = conversation.answer(MilterDecision(.accept))
                case .ask: _ = conversation.answer(MilterVerdict.continue)
                }
            }
            return true
        } catch {
            precondition(!error.reason.isEmpty)
            return false
        }
    }

    @Test func mutatedFramesGiveTypedErrorsOnly() {
        var random = SeededGenerator(state: 0x6D69_6C74_6572)
        var accepted = 0
        let start = ContinuousClock.now
        for _ in 0..<Self.count where Self.run(Self.mutant(&random)) {
            accepted += 1
        }
        // Both outcomes occur in bulk: the mutations neither all break the frames nor all miss them.
        #expect(accepted > Self.count / 10 && accepted < Self.count * 9 / 10, "\(accepted) of \(Self.count) accepted")
        #expect(ContinuousClock.now - start < .seconds(120))
    }
}
