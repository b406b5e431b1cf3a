import Foundation
import TestSupport
import Testing

/// `"milter"` in `stockade serve`'s configuration: the same milter as `stockade milter`, with the settings of the file.
@Suite("milter in stockade serve (lab)", .serialized)
struct MilterServeTests {
    static let smtpdAddress = "127.0.12.26"

    /// `"quarantine": "header"`: a failing p=quarantine is delivered, not held, with the header saying so.
    @Test func quarantineHeaderSettingDelivers() async throws {
        let milterPort = freeLoopbackPort()
        let server = try await ServerProcess(extra: [
            "resolver": try labVariable("STOCKADE_RESOLVER"),
            "milter": ["listen": "inet:127.0.0.1:\(milterPort)", "authservID": "mx.serve.test", "quarantine": "header"],
        ])
        defer {
            server.stop()
            server.removeData()
        }
        for _ in 0..<MilterPostfixTests.pollSteps where !canConnect(host: "127.0.0.1", port: milterPort) {
            try await Task.sleep(for: MilterPostfixTests.pollInterval)
        }
        let sink = try labSMTPSink()
        let postfix = try PostfixMilterHost(address: Self.smtpdAddress, port: freeLoopbackPort(), milter: "inet:127.0.0.1:\(milterPort)", relay: sink)
        defer { postfix.stop() }
        try postfix.start()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-milter-serve-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let token = UUID().uuidString
        let file = folder.appendingPathComponent("m.eml").path
        try Data(MilterPostfixTests.message(from: "alice@quarantine.mail.test", subject: "header \(token)").utf8).write(to: URL(fileURLWithPath: file))
        let sent = try swaks(["--server", Self.smtpdAddress, "--port", "\(postfix.port)", "--ehlo", "client.test", "--timeout", "20",
                              "--from", "alice@quarantine.mail.test", "--to", "rcpt@y.test", "--data", file])
        #expect(sent.status == 0, "\(sent.transcript)\n\(postfix.log())")
        let delivered = try #require(try await MilterPostfixTests.waitForMessage(containing: token), "\(postfix.log())")
        #expect(delivered.hasPrefix("Authentication-Results: mx.serve.test; spf=fail smtp.mailfrom=alice@quarantine.mail.test; "
                                    + "dmarc=fail policy.dmarc=quarantine header.from=quarantine.mail.test\r\n"), "\(delivered)")
    }
}
