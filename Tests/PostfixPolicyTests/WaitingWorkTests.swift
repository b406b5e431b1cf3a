import ListenerLimits
import NIOCore
import NIOEmbedded
import Testing

/// `WaitingWork`, the ordered backlog of the socketmap's and the milter's connection handlers.
@Suite struct WaitingWorkTests {
    final class Probe: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
    }

    @Test func readingStopsPastTheLimitAndResumesAtHalfInOrder() throws {
        let channel = EmbeddedChannel()
        let probe = Probe()
        try channel.pipeline.syncOperations.addHandler(probe)
        let context = try channel.pipeline.syncOperations.context(handler: probe)
        var work = WaitingWork<Int>(maximumWaiting: 16)
        for item in 1...16 { work.append(item, context: context) }
        #expect(!work.readingPaused)
        work.append(17, context: context)
        #expect(work.readingPaused)
        #expect(work.count == 17)
        for expected in 1...8 { #expect(work.popFirst() == expected) }
        work.resumeReadingIfTaken(context: context)
        #expect(work.readingPaused)  // 9 still wait: more than half of 16
        #expect(work.popFirst() == 9)
        work.resumeReadingIfTaken(context: context)
        #expect(!work.readingPaused)
        work.removeAll()
        #expect(work.popFirst() == nil)
        _ = try channel.finish()
    }
}
