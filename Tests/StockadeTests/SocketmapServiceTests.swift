import Foundation
import Store
import TestSupport
import Testing

/// The Postfix policy service inside `stockade serve`, read by Postfix's `postmap`, with its cache persisted in the
/// server's SQLite database across restarts.
@Suite("socketmap in stockade serve (lab)")
struct SocketmapServiceTests {
    static func postmap(_ key: String, port: Int) throws -> String? {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("postfix-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: config) }
        try Data("compatibility_level = 3.6\n".utf8).write(to: config.appendingPathComponent("main.cf"))
        do {
            return String(decoding: try runTool(try locateTool("postmap"),
                                                ["-c", config.path, "-q", key, "socketmap:inet:127.0.0.1:\(port):postfix"]), as: UTF8.self)
        } catch let failure as ToolFailed where failure.status == 1 {
            return nil
        }
    }

    /// Waits until the socketmap port accepts connections (the HTTP side answers first).
    static func waitForListener(port: Int) async throws {
        for _ in 0..<100 where !canConnect(host: "127.0.0.1", port: port) { try await Task.sleep(for: .milliseconds(50)) }
    }

    @Test func policiesSurviveARestart() async throws {
        let socketmapPort = freeLoopbackPort()
        let extra: [String: Any] = [
            "resolver": try labVariable("STOCKADE_RESOLVER"),
            "socketmap": ["listen": "127.0.0.1:\(socketmapPort)", "caFile": try labVariable("STOCKADE_LAB_CA"),
                          "policyPort": Int(try labVariable("STOCKADE_LAB_HTTPS_PORT")) ?? 443],
        ]
        let first = try await ServerProcess(extra: extra)
        try await Self.waitForListener(port: socketmapPort)
        #expect(try Self.postmap("enforce.web.test", port: socketmapPort)
                == "secure match=mx1.enforce.web.test:.backup.enforce.web.test servername=hostname\n")
        #expect(try Self.postmap("testing.web.test", port: socketmapPort) == nil)
        first.stop()

        // The fetched policy is in the database; make it recognisable and start again on the same data.
        let database = first.dataDirectory.appendingPathComponent("stockade.sqlite").path
        let store = try SQLiteStore(path: database)
        var cached = try #require(try await store.cachedPolicy(domain: "enforce.web.test"))
        #expect(cached.id == "enforce1")
        cached.text = "version: STSv1\nmode: enforce\nmx: kept.enforce.web.test\nmax_age: 86400\n"
        try await store.saveCachedPolicy(cached)

        let second = try await ServerProcess(extra: extra, dataDirectory: first.dataDirectory)
        defer {
            second.stop()
            second.removeData()
        }
        try await Self.waitForListener(port: socketmapPort)
        // The TXT id is unchanged, so the persisted policy applies without a fetch.
        #expect(try Self.postmap("enforce.web.test", port: socketmapPort) == "secure match=kept.enforce.web.test servername=hostname\n")
    }
}
