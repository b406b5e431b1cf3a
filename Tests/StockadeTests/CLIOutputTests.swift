import Foundation
import TestSupport
import Testing

/// Issue 14, items 4 and 5: the version from one place, `--json` where a command reports, enumerations parsed by
/// ArgumentParser, and JSON log lines.
@Suite struct CLIOutputTests {
    func json(_ arguments: [String]) throws -> [String: String] {
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(result.error)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: String])
    }

    @Test func versionIsTheServers() throws {
        let result = try CLI.run(["--version"])
        #expect(result.output == "0.1.0\n")
    }

    @Test func wkdReportsInJSON() throws {
        #expect(try json(["wkd", "hash", "Joe.Doe@Example.ORG", "--json"])
            == ["address": "Joe.Doe@example.org", "hash": "iy9q119eutrkn8s1mk4r39qejnbu3n5q"])
        #expect(try json(["wkd", "url", "Joe.Doe@Example.ORG", "--json"]) == [
            "address": "Joe.Doe@example.org", "method": "advanced",
            "url": "https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe",
        ])
    }

    /// Every `directory` command that changes something says what it did, as a sentence or with `--json` as an object.
    @Test func directoryChangesReportInJSON() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-dirjson-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        let home = try GnuPGHome()
        defer { home.close() }
        let fingerprint = try home.generateKey("Alice <alice@example.org>")
        let keyFile = try home.write(home.export(fingerprint), name: "alice.pgp")
        let database = ["--database", data.appendingPathComponent("stockade.sqlite").path, "--json"]
        #expect(try json(["directory", "domain", "add", "example.org"] + database) == ["domain": "example.org", "kind": "provider"])
        #expect(try json(["directory", "domain", "add", "hosted.example", "--kind", "hosted"] + database)
            == ["domain": "hosted.example", "kind": "hosted"])
        #expect(try json(["directory", "account", "add", "alice", "--primary", "alice@example.org"] + database)
            == ["account": "alice", "primary": "alice@example.org"])
        #expect(try json(["directory", "alias", "add", "Al.Ice@hosted.example", "--account", "alice"] + database)
            == ["alias": "Al.Ice@hosted.example", "account": "alice"])
        #expect(try json(["directory", "key", "import", keyFile, "--account", "alice"] + database)
            == ["fingerprint": fingerprint.uppercased(), "account": "alice"])
        #expect(try json(["directory", "key", "associate", "alice@example.org", fingerprint.lowercased()] + database)
            == ["address": "alice@example.org", "fingerprint": fingerprint.uppercased()])
        #expect(try json(["directory", "alias", "remove", "Al.Ice@hosted.example"] + database)
            == ["alias": "Al.Ice@hosted.example", "status": "removed"])
        #expect(try json(["directory", "account", "close", "alice"] + database) == ["account": "alice", "status": "closed"])
    }

    @Test func enumerationsAreCheckedByTheParser() throws {
        let kind = try CLI.run(["directory", "domain", "add", "x.test", "--kind", "bogus", "--database", "/nonexistent/x.sqlite"])
        #expect(kind.status != 0)
        #expect(kind.error.contains("The value 'bogus' is invalid for '--kind <kind>'. Please provide one of 'provider' and 'hosted'."))
        let level = try CLI.run(["serve", "--log-level", "loud"])
        #expect(level.error.contains("The value 'loud' is invalid for '--log-level <log-level>'."))
        let mode = try CLI.run(["mta-sts", "record", "example.test", "--mode", "strict"])
        #expect(mode.error.contains("The value 'strict' is invalid for '--mode <mode>'. Please provide one of 'enforce', 'testing' or 'none'."))
    }

    /// `serve --log-format json`: every line on standard error is one JSON object with the fixed fields.
    @Test func serveLogsJSONLines() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-jsonlog-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        let log = data.appendingPathComponent("stderr.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = CLI.executable
        let port = freeLoopbackPort()
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--log-format", "json", "--log-level", "info"]
        process.currentDirectoryURL = data
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        for _ in 0..<100 where !text.contains("listening") {
            try await Task.sleep(for: .milliseconds(100))
            text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        process.terminate()
        process.waitUntilExit()
        text = try String(contentsOf: log, encoding: .utf8)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(Set(object.keys).isSuperset(of: ["time", "level", "label", "message", "source"]), "\(line)")
            #expect(object["label"] as? String == "stockade")
        }
        #expect(text.contains(#""message":"Server started and listening on 127.0.0.1:\#(port)""#), "\(text)")
    }
}

/// Issue 14, item 4: the systemd unit is valid and hardened (systemd's own offline security score), and the command
/// it runs is one the CLI accepts.
@Suite struct SystemdUnitTests {
    static var unit: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("contrib/systemd/stockade.service").path
    }

    @Test func unitIsHardened() throws {
        let report = String(decoding: try runTool("systemd-analyze", ["security", "--offline=yes", "--threshold=20", Self.unit]), as: UTF8.self)
        let line = try #require(report.split(separator: "\n").last { $0.contains("Overall exposure level") })
        // "→ Overall exposure level for stockade.service: 1.6 OK 🙂": at most 2.0 of systemd's 10.
        let score = try #require(Double(line.split(separator: ":").last!.split(separator: " ").first!))
        #expect(score <= 2.0, "\(line)")
    }

    @Test func execStartIsAValidCommand() throws {
        let text = try String(contentsOfFile: Self.unit, encoding: .utf8)
        let exec = try #require(text.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        let arguments = exec.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
        #expect(arguments.first == "/usr/local/bin/stockade")
        #expect(Array(arguments.dropFirst()) == ["serve", "--config", "/etc/stockade/config.json", "--log-format", "json"])
        let help = try CLI.run(["serve", "--help"])
        for option in ["--config", "--log-format"] { #expect(help.output.contains(option)) }
    }
}
