import Foundation
import OpenPGP
import TestSupport
import Testing

/// The web pages in headless Chromium (Debian `chromium` and `chromium-driver`, Selenium from PyPI), on a server with
/// the demo configuration: Tests/Browser/key_server_pages.py walks, with JavaScript off, from `/` through upload, the
/// verification mail at `/dev/mail`, confirmation, search and manage, checking the DOM of each page, and leaves
/// screenshots of `/`, `/dev/mail`, the verification page and the search result in `.build/screenshots/` (not
/// committed).
@Suite("Web pages in Chromium")
struct KeyServerPagesBrowserTests {
    /// `.build/screenshots/` of the package.
    static let screenshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/screenshots")
    static let names = ["home.png", "dev-mail.png", "verification.png", "search-result.png"]

    @Test func newcomerWalksThePagesInTheBrowser() async throws {
        _ = try locateTool("chromium")
        _ = try locateTool("chromedriver")
        let port = freeLoopbackPort()
        let socketmapPort = freeLoopbackPort()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-browser-\(UUID().uuidString.prefix(8))")
        let server = try await ServerProcess(extra: try DemoTests.demoConfiguration(data: data, port: port, socketmapPort: socketmapPort),
                                             dataDirectory: data, port: port)
        defer {
            server.stop()
            server.removeData()
        }
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("carol-\(UUID().uuidString.prefix(8)).asc")
        try Data(try CertificateBuilder(userID: "Carol <carol@example.org>").generate().armored().utf8).write(to: keyFile)
        defer { try? FileManager.default.removeItem(at: keyFile) }
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        for name in Self.names { try? FileManager.default.removeItem(at: Self.screenshots.appendingPathComponent(name)) }

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Browser/key_server_pages.py").path
        let output: String
        do {
            output = String(decoding: try runTool("python3", [script, "--base", "http://127.0.0.1:\(port)", "--socketmap", "127.0.0.1:\(socketmapPort)",
                                                              "--key", keyFile.path, "--address", "carol@example.org",
                                                              "--screenshots", Self.screenshots.path]), as: UTF8.self)
        } catch let failure as ToolFailed {
            Issue.record("the browser run failed: \(failure)")
            return
        }
        print("screenshots in \(Self.screenshots.path)")
        let lines = output.split(separator: "\n")
        #expect(lines.last == "PASS")
        #expect(!lines.contains { $0.hasPrefix("FAIL") })
        // 35 checks (4 of them screenshots) and 13 clicks that each loaded the expected page.
        #expect(lines.filter { $0.hasPrefix("ok   clicked") }.count == 13)
        #expect(lines.filter { $0.hasPrefix("ok ") }.count == 48)
        for name in Self.names {
            let png = try Data(contentsOf: Self.screenshots.appendingPathComponent(name))
            #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(name) is not a PNG")
            #expect(png.count > 10_000, "\(name) is \(png.count) bytes: an empty page?")
        }
    }
}
