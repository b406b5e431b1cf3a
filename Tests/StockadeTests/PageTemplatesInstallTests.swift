import Foundation
import TestSupport
import Testing

/// The layout `make install` creates: the page templates in SwiftPM's resource bundle next to the binary. A copy of the
/// built binary without the bundle refuses to start with the reason; with the bundle copied beside it, it serves `/`.
@Suite("Page templates beside the binary")
struct PageTemplatesInstallTests {
    static let bundleName = "Stockade_StockadeServer.resources"

    @Test func theBinaryNeedsItsTemplatesBesideIt() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-install-\(UUID().uuidString.prefix(8))")
        let bin = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = bin.appendingPathComponent("stockade")
        try FileManager.default.copyItem(at: CLI.executable, to: binary)
        let port = freeLoopbackPort()
        let configuration = folder.appendingPathComponent("stockade.json")
        try JSONSerialization.data(withJSONObject: ["listen": "127.0.0.1:\(port)", "dataDirectory": folder.appendingPathComponent("data").path])
            .write(to: configuration)

        let refused = try #require(throws: ToolFailed.self) { try runTool(binary.path, ["serve", "--config", configuration.path]) }
        #expect(refused.status == 1)
        #expect(refused.standardError == "Error: the page templates are missing: install \(Self.bundleName) next to the binary, at "
                    + "\(bin.appendingPathComponent(Self.bundleName).path) (make install does)\n")

        try FileManager.default.copyItem(at: CLI.executable.deletingLastPathComponent().appendingPathComponent(Self.bundleName),
                                         to: bin.appendingPathComponent(Self.bundleName))
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--config", configuration.path, "--log-level", "error"]
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var home: HTTPExchange?
        for _ in 0..<100 where home == nil && process.isRunning {
            home = try? HTTPExchange.send(port: port, method: "GET", path: "/", headers: ["Host": "localhost"])
            if home == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let page = try #require(home, "the installed copy did not answer")
        #expect(page.status == 200)
        #expect(page.text.contains("<title>Home · Stockade</title>"))
    }
}
