import Foundation
import Milter
import NIOCore
import Testing

/// ``MilterServer`` over TCP on loopback: Postfix's recorded frames in, exact replies out; the limits close what
/// they must.
@Suite("Milter server")
struct MilterServerTests {
    static let session = PostfixCapture.negotiatedSession.map(hexBytes)

    @Test func answersPostfixsFramesAndClosesAfterQuit() async throws {
        let server = try await RunningMilterServer(filter: MarkingFilter())
        defer { server.stop() }
        let client = try await RawMilterClient(port: server.port)
        try await client.send(Self.session[0])
        #expect(try await client.read(158) == hexBytes(MilterConversationTests.negotiationReply))
        // D C D H D M D R D D L… B D: no replies (NR_* flags); E: the header, then accept.
        try await client.send(Array(Self.session[1...27].joined()))
        #expect(try await client.read(37) == hexBytes("0000001c68582d53746f636b6164652d4d696c7465720020636865636b656400" + "0000000161"))
        try await client.send(Array(Self.session[28...30].joined()))
        #expect(try await client.readUntilClosed() == [])
        await client.close()
    }

    @Test func twoFramesSplitAnywhere() async throws {
        let server = try await RunningMilterServer(filter: MarkingFilter())
        defer { server.stop() }
        let client = try await RawMilterClient(port: server.port)
        let bytes = Array(Self.session[0...27].joined())
        for start in stride(from: 0, to: bytes.count, by: 7) {
            try await client.send(Array(bytes[start..<min(bytes.count, start + 7)]))
        }
        #expect(try await client.read(158 + 37) == hexBytes(MilterConversationTests.negotiationReply
            + "0000001c68582d53746f636b6164652d4d696c7465720020636865636b656400" + "0000000161"))
        await client.close()
    }

    @Test func oversizedFrameClosesWithoutReply() async throws {
        let server = try await RunningMilterServer(filter: MarkingFilter())
        defer { server.stop() }
        let client = try await RawMilterClient(port: server.port)
        try await client.send(Self.session[0])
        _ = try await client.read(158)
        try await client.send([0x00, 0x02, 0x00, 0x01, UInt8(ascii: "B")])
        #expect(try await client.readUntilClosed() == [])
    }

    @Test func commandBeforeNegotiationCloses() async throws {
        let server = try await RunningMilterServer(filter: MarkingFilter())
        defer { server.stop() }
        let client = try await RawMilterClient(port: server.port)
        try await client.send(Self.session[4])
        #expect(try await client.readUntilClosed() == [])
    }

    @Test func idleConnectionIsClosed() async throws {
        let server = try await RunningMilterServer(filter: MarkingFilter(), limits: MilterServerLimits(idleTimeout: .milliseconds(300)))
        defer { server.stop() }
        let client = try await RawMilterClient(port: server.port)
        let start = ContinuousClock.now
        try await client.send(Self.session[0])
        _ = try await client.read(158)
        #expect(try await client.readUntilClosed() == [])
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(300) && waited < .seconds(5), "closed after \(waited)")
    }

    @Test func connectionCapHoldsTheNextOneBack() async throws {
        let server = try await RunningMilterServer(filter: MarkingFilter(), limits: MilterServerLimits(maxConnections: 1))
        defer { server.stop() }
        let first = try await RawMilterClient(port: server.port)
        try await first.send(Self.session[0])
        _ = try await first.read(158)
        let second = try await RawMilterClient(port: server.port)   // the kernel's backlog takes it
        try await second.send(Self.session[0])
        try await Task.sleep(for: .milliseconds(300))
        #expect(second.available == 0)                            // not accepted while the first is open
        try await first.send(Self.session[30])                   // Q: the first connection ends
        #expect(try await first.readUntilClosed() == [])
        #expect(try await second.read(158) == hexBytes(MilterConversationTests.negotiationReply))
        await first.close()
        await second.close()
    }

    @Test func unixSocket() async throws {
        let path = "/tmp/stockade-milter-\(UInt32.random(in: 0...UInt32.max)).sock"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try await RunningMilterServer(filter: MarkingFilter(), address: .unix(path: path))
        defer { server.stop() }
        let client = try await RawMilterClient(unixPath: path)
        try await client.send(Self.session[0])
        #expect(try await client.read(158) == hexBytes(MilterConversationTests.negotiationReply))
        await client.close()
    }

    @Test func listenAddresses() {
        #expect(MilterListenAddress("inet:127.0.0.1:8891") == .inet(host: "127.0.0.1", port: 8891))
        #expect(MilterListenAddress("inet:[::1]:8891") == .inet(host: "::1", port: 8891))
        #expect(MilterListenAddress("unix:/run/milter.sock") == .unix(path: "/run/milter.sock"))
        #expect(MilterListenAddress("inet:[::1]:8891")?.description == "inet:[::1]:8891")
        for bad in ["inet:127.0.0.1", "inet::8891", "inet:h:65536", "unix:", "tcp:h:1", "127.0.0.1:8891"] {
            #expect(MilterListenAddress(bad) == nil, "\(bad)")
        }
    }
}
