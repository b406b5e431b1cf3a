import Foundation
import TestSupport
import Testing

/// `stockade milter` ending on SIGTERM (its ServiceGroup's graceful shutdown): a message in progress is still answered.
@Suite("milter graceful shutdown (lab)", .serialized)
struct MilterShutdownTests {
    /// A blocking milter client on one TCP connection, speaking as Postfix 3.7 does (version 6, every action and
    /// protocol flag offered).
    final class Client {
        let descriptor: Int32

        init(port: Int) throws {
            descriptor = try connectTCP(port: port, timeout: .seconds(10))
        }

        deinit { close(descriptor) }

        /// Sends command `letter` with `data`.
        func send(_ letter: Character, _ data: [UInt8] = []) {
            let length = UInt32(data.count + 1).bigEndian
            let frame = withUnsafeBytes(of: length) { Array($0) } + [UInt8(ascii: letter.unicodeScalars.first!)] + data
            _ = frame.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }

        /// The next reply as its letter and data, or nil when the connection closed (or 10 s passed).
        func reply() -> (letter: Character, data: [UInt8])? {
            guard let head = read(4) else { return nil }
            let length = Int(head.reduce(0) { $0 << 8 | UInt32($1) })
            guard length > 0, let body = read(length) else { return nil }
            return (Character(UnicodeScalar(body[0])), Array(body.dropFirst()))
        }

        private func read(_ count: Int) -> [UInt8]? {
            var buffer = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count {
                let got = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + done, count - done, 0) }
                guard got > 0 else { return nil }
                done += got
            }
            return buffer
        }
    }

    static func zeroTerminated(_ texts: String...) -> [UInt8] { texts.flatMap { Array($0.utf8) + [0] } }

    /// SIGTERM after the body of an unsigned p=reject message and before its end: the milter keeps the connection, answers
    /// the end of the message (550 5.7.1, as without the signal), then closes it and exits with status 0.
    @Test func messageInProgressFinishesAfterSIGTERM() async throws {
        let port = freeLoopbackPort()
        let milter = Process()
        milter.executableURL = CLI.executable
        milter.arguments = ["milter", "--listen", "inet:127.0.0.1:\(port)", "--authserv-id", "mx.milter.test", "--resolver", try CLI.labResolver()]
        milter.standardOutput = FileHandle.nullDevice
        milter.standardError = FileHandle.nullDevice
        try milter.run()
        defer { if milter.isRunning { milter.terminate() } }
        for _ in 0..<200 where !canConnect(host: "127.0.0.1", port: port) { try await Task.sleep(for: .milliseconds(50)) }
        let client = try Client(port: port)
        client.send("O", [0, 0, 0, 6, 0, 0, 0x01, 0xFF, 0, 0x1F, 0xFF, 0xFF])
        #expect(client.reply()?.letter == "O")
        client.send("C", Self.zeroTerminated("client.test") + [UInt8(ascii: "4"), 0x30, 0x39] + Self.zeroTerminated("192.0.2.66"))
        client.send("M", Self.zeroTerminated("<alice@mail.test>"))
        client.send("R", Self.zeroTerminated("<rcpt@y.test>"))
        client.send("L", Self.zeroTerminated("From", " Alice <alice@mail.test>"))
        client.send("L", Self.zeroTerminated("Subject", " shutdown"))
        client.send("N")
        client.send("B", Array("Hi.\r\n".utf8))
        try await Task.sleep(for: .milliseconds(200))
        kill(milter.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(500))
        #expect(milter.isRunning, "the milter waits for the message in progress")
        client.send("E")
        var replies: [(letter: Character, data: [UInt8])] = []
        while let reply = client.reply() { replies.append(reply) }
        let expected = "550 5.7.1 DMARC policy of mail.test rejects this message: no aligned Authenticated Identifier; p=reject"
        #expect(replies.map(\.letter) == ["y"])
        #expect(replies.first.map { String(decoding: $0.data, as: UTF8.self) } == expected + "\0")
        for _ in 0..<100 where milter.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!milter.isRunning)
        #expect(milter.terminationReason == .exit && milter.terminationStatus == 0)
        #expect(!canConnect(host: "127.0.0.1", port: port))
    }
}
