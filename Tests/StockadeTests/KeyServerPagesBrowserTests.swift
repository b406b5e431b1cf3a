import Foundation
import TestSupport
import Testing

/// The key server's pages in headless Chromium (Debian `chromium` and `chromium-driver`, Selenium from PyPI):
/// Tests/Browser/key_server_pages.py loads each page, submits each form and checks the DOM after it.
@Suite("Key server pages in Chromium")
struct KeyServerPagesBrowserTests {
    @Test func searchUploadVerifyManageInTheBrowser() async throws {
        _ = try locateTool("chromium")
        _ = try locateTool("chromedriver")
        let world = try await KeyServerWorld.start()
        defer { world.close() }
        let keyFile = try world.home.write(Array(try world.armoredKey().utf8), name: "alice.asc")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Browser/key_server_pages.py").path
        let output: String
        do {
            output = String(decoding: try runTool("python3", [script, "--base", "http://127.0.0.1:\(world.server.port)",
                                                              "--maildir", world.maildir, "--key", keyFile,
                                                              "--address", "alice@example.org"]), as: UTF8.self)
        } catch let failure as ToolFailed {
            Issue.record("the browser run failed: \(failure)")
            return
        }
        let lines = output.split(separator: "\n")
        #expect(lines.last == "PASS")
        #expect(lines.filter { $0.hasPrefix("ok ") }.count == 20)  // 14 checks and 6 submitted forms
        #expect(!lines.contains { $0.hasPrefix("FAIL") })
    }
}
