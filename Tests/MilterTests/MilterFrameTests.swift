import Milter
import NIOCore
import Testing

@Suite("Milter frames")
struct MilterFrameTests {
    @Test func readsOneFrameAndLeavesTheRest() throws {
        var buffer = ByteBuffer(bytes: hexBytes("0000000d48636c69656e742e7465737400" + "000000014e" + "0000"))
        let helo = try #require(try MilterFrame.next(&buffer))
        #expect(helo.command == UInt8(ascii: "H"))
        #expect(Array(helo.data.readableBytesView) == Array("client.test\0".utf8))
        let eoh = try #require(try MilterFrame.next(&buffer))
        #expect(eoh.command == UInt8(ascii: "N") && eoh.data.readableBytes == 0)
        #expect(try MilterFrame.next(&buffer) == nil)
        #expect(buffer.readableBytes == 2)
    }

    @Test func incompleteFrameLeavesTheBufferUntouched() throws {
        for cut in 0..<17 {
            var buffer = ByteBuffer(bytes: hexBytes(PostfixCapture.offer).prefix(cut))
            let before = buffer
            #expect(try MilterFrame.next(&buffer) == nil)
            #expect(buffer == before)
        }
    }

    @Test func lengthLimits() {
        var empty = ByteBuffer(bytes: [0, 0, 0, 0])
        #expect(errorCode { _ = try MilterFrame.next(&empty) } == .emptyFrame)
        // 131 072 is allowed, 131 073 refused from the length field alone, before any data arrives.
        var largest = ByteBuffer(bytes: [0x00, 0x02, 0x00, 0x00, UInt8(ascii: "B")])
        #expect(throws: Never.self) { try MilterFrame.next(&largest) }
        var tooLarge = ByteBuffer(bytes: [0x00, 0x02, 0x00, 0x01])
        #expect(errorCode { _ = try MilterFrame.next(&tooLarge) } == .frameTooLarge)
        var huge = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(errorCode { _ = try MilterFrame.next(&huge) } == .frameTooLarge)
        #expect(MilterFrame.maximumLength == 131_072)
    }

    @Test func writesLengthLetterData() {
        var buffer = ByteBuffer()
        MilterFrame(command: UInt8(ascii: "q"), data: ByteBuffer(string: "held for review\0")).write(to: &buffer)
        #expect(Array(buffer.readableBytesView) == hexBytes("000000117168656c6420666f722072657669657700"))
    }
}
