import Milter
import Synchronization
import Testing

/// ``MilterServer`` while the filter answers a hooked command: what arrives meanwhile waits its turn, and a protocol
/// error, a closed connection or a graceful shutdown comes after the filter's reply, not in the middle of it.
@Suite("Milter server while a hook runs")
struct MilterServerHookTests {
    static let session = PostfixCapture.negotiatedSession.map(hexBytes)
    /// `M <a@x.test>`, `R <b@y.test>`, the `Date` header and `E` of Postfix's recorded session.
    static let message = Array([6, 8, 11, 27].map { session[$0] }.joined())
    static let continueReply = "0000000163"
    static let acceptReply = "0000000161"

    /// A connection to `server` past option negotiation (Postfix's recorded `O` and the server's 158-octet answer).
    static func negotiated(_ server: RunningMilterServer) async throws -> RawMilterClient {
        let client = try await RawMilterClient(port: server.port)
        try await client.send(session[0])
        _ = try await client.read(158)
        return client
    }

    @Test func framesWaitInOrderUntilTheHookAnswers() async throws {
        let filter = GatedFilter()
        let server = try await RunningMilterServer(filter: filter)
        defer { server.stop() }
        let client = try await Self.negotiated(server)
        try await client.send(Self.message)                                // one write: M (held by its hook), R, L, E
        try await Task.sleep(for: .milliseconds(300))
        #expect(client.available == 0)
        #expect(filter.stagesAsked == ["mailFrom"])
        filter.open()
        #expect(try await client.read(10) == hexBytes(Self.continueReply + Self.acceptReply))
        #expect(filter.stagesAsked == ["mailFrom", "endOfMessage"])
        #expect(filter.recipients == ["<b@y.test>"])
        await client.close()
    }

    @Test func protocolErrorBehindARunningHookClosesAfterItsReply() async throws {
        let filter = GatedFilter()
        let server = try await RunningMilterServer(filter: filter)
        defer { server.stop() }
        let client = try await Self.negotiated(server)
        try await client.send(Self.session[6] + [0x00, 0x02, 0x00, 0x01, UInt8(ascii: "B")])   // M, then a frame above 128 KiB
        try await Task.sleep(for: .milliseconds(300))
        #expect(client.available == 0)
        filter.open()
        #expect(try await client.readUntilClosed() == hexBytes(Self.continueReply))
        #expect(filter.stagesAsked == ["mailFrom"])
    }

    @Test func connectionClosedDuringAHookLeavesTheServerServing() async throws {
        let filter = GatedFilter()
        let server = try await RunningMilterServer(filter: filter)
        defer { server.stop() }
        let gone = try await Self.negotiated(server)
        try await gone.send(Self.session[6])
        try await Task.sleep(for: .milliseconds(100))
        await gone.close()
        filter.open()
        let next = try await Self.negotiated(server)
        filter.open()
        try await next.send(Self.message)
        #expect(try await next.read(10) == hexBytes(Self.continueReply + Self.acceptReply))
        await next.close()
    }

    @Test func gracefulShutdownClosesIdleConnectionsAtOnceAndBusyOnesAfterTheirMessage() async throws {
        let filter = GatedFilter()
        let server = try await RunningMilterServer(filter: filter)
        defer { server.stop() }
        let idle = try await Self.negotiated(server)
        let busy = try await Self.negotiated(server)
        try await busy.send(Self.session[6])                                // M: its hook is running
        try await Task.sleep(for: .milliseconds(100))
        await server.shutDownGracefully()
        #expect(try await idle.readUntilClosed() == [])
        #expect(try await server.hasEnded(within: .milliseconds(300)) == false)
        try await busy.send(Array([8, 11, 27].map { Self.session[$0] }.joined()))   // R, L, E
        filter.open()
        #expect(try await busy.readUntilClosed() == hexBytes(Self.continueReply + Self.acceptReply))
        #expect(try await server.hasEnded(within: .seconds(10)))
        await idle.close()
        await busy.close()
    }
}

/// A filter whose MAIL FROM hook waits until the test opens its gate (once per opening), then continues; it accepts
/// every message and remembers the stages it was asked at.
final class GatedFilter: MilterFilter {
    let hooks: MilterHooks = [.mailFrom]
    private let gate: AsyncStream<Void>
    private let opener: AsyncStream<Void>.Continuation
    private let seen = Mutex<(stages: [String], recipients: [String])>(([], []))

    init() {
        (gate, opener) = AsyncStream.makeStream()
    }

    /// The stages asked so far, in order: "mailFrom", "endOfMessage".
    var stagesAsked: [String] { seen.withLock { $0.stages } }
    /// The recipients of the last message at its end.
    var recipients: [String] { seen.withLock { $0.recipients } }

    /// Lets one waiting (or the next) MAIL FROM hook answer.
    func open() { opener.yield() }

    func mailFrom(_ message: MilterMessage) async -> MilterVerdict {
        seen.withLock { $0.stages.append("mailFrom") }
        var opening = gate.makeAsyncIterator()
        _ = await opening.next()
        return .continue
    }

    func endOfMessage(_ message: MilterMessage) async -> MilterDecision {
        seen.withLock {
            $0.stages.append("endOfMessage")
            $0.recipients = message.recipients
        }
        return MilterDecision(.accept)
    }
}
