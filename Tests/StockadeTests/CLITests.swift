import Foundation
import StockadeServer
import TestSupport
import Testing

/// The `stockade` executable, run as a user runs it.
enum CLI {
    /// The built `stockade` binary, next to the test bundle.
    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("stockade").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("stockade")
    }

    struct Result {
        let status: Int32
        let output: String
        let error: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self), error: String(decoding: errData, as: UTF8.self))
    }

    static func labResolver() throws -> String { try labVariable("STOCKADE_RESOLVER") }
}

@Suite("stockade dns (lab)")
struct DNSCommandTests {
    struct Report: Decodable {
        struct Record: Decodable {
            let name: String
            let type: String
            let ttl: UInt32
            let data: String
        }
        let name: String
        let type: String
        let rcode: String
        let dnssec: String
        let reason: String?
        let answers: [Record]
    }

    func report(_ name: String, _ type: String) throws -> Report {
        let result = try CLI.run(["dns", name, type, "--resolver", try CLI.labResolver(), "--json"])
        #expect(result.status == 0, "stderr: \(result.error)")
        return try JSONDecoder().decode(Report.self, from: Data(result.output.utf8))
    }

    @Test func secureZone() throws {
        let report = try report("secure.test", "MX")
        #expect(report.dnssec == "secure")
        #expect(report.rcode == "NOERROR")
        #expect(report.answers.map(\.data).sorted() == ["10 mx1.secure.test.", "20 mx2.secure.test."])
        #expect(report.answers.allSatisfy { $0.name == "secure.test." && $0.type == "MX" })
    }

    @Test func insecureZone() throws {
        let report = try report("www.insecure.test", "A")
        #expect(report.dnssec == "insecure")
        #expect(report.answers.map(\.data) == ["127.0.3.1"])
    }

    @Test func bogusZone() throws {
        let report = try report("www.bogus.test", "A")
        #expect(report.dnssec == "bogus")
        #expect(report.rcode == "SERVFAIL")
        #expect(report.answers.isEmpty)
        #expect(report.reason?.hasPrefix("6 (DNSSEC Bogus)") == true)
    }

    @Test func textOutputEndsWithTheStatusLines() throws {
        let result = try CLI.run(["dns", "alias1.secure.test", "A"], environment: ["STOCKADE_RESOLVER": try CLI.labResolver()])
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("alias1.secure.test.\t"))
        #expect(lines[0].hasSuffix("\tIN\tCNAME\talias2.secure.test."))
        #expect(lines[2].hasSuffix("\tIN\tA\t127.0.1.10"))
        #expect(lines[3] == "status: NOERROR")
        #expect(lines[4] == "dnssec: secure")
    }

    @Test func badInputIsAUsageError() throws {
        let badType = try CLI.run(["dns", "secure.test", "NOPE"])
        #expect(badType.status == 64)
        #expect(badType.error.contains("unknown record type NOPE"))
        let badResolver = try CLI.run(["dns", "secure.test", "A", "--resolver", "not-an-ip:53"])
        #expect(badResolver.status == 64)
        #expect(badResolver.error.contains("not-an-ip is not an IP address"))
    }
}

@Suite("stockade serve")
struct ServeCommandTests {
    @Test func healthEndpointAnswers() async throws {
        let server = try await ServerProcess(extra: ["domains": ["demo.test"]])
        defer {
            server.stop()
            server.removeData()
        }
        let response = try server.request("GET", "/health")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json; charset=utf-8")
        let health = try JSONDecoder().decode([String: Health].self, from: Data(response.body))
        #expect(health == ["status": .text("ok"), "version": .text("0.1.0"), "domains": .list(["demo.test"])])
        #expect(FileManager.default.fileExists(atPath: server.dataDirectory.appendingPathComponent("stockade.sqlite").path),
                "the embedded database is created in the data directory")
    }

    @Test func unknownConfigurationKeysAreRefused() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-bad-\(UUID().uuidString.prefix(8)).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"listen": "127.0.0.1:1", "adminTokn": "typo"}"#.utf8).write(to: file)
        let result = try CLI.run(["serve", "--config", file.path])
        #expect(result.status != 0)
        #expect(result.error.contains("adminTokn: unknown key"))
    }

    /// Issue 13, item 5: a typo at any depth is refused with its path.
    @Test(arguments: [
        (#"{"keyServer": {"baseURL": "https://k.test", "mailFrom": "k@k.test", "requestsPerMinutPerClient": 5}}"#,
         "keyServer.requestsPerMinutPerClient: unknown key"),
        (#"{"mail": {"relay": "127.0.0.1:25", "tsl": "none"}}"#, "mail.tsl: unknown key"),
        (#"{"socketmap": {"listen": "127.0.0.1:8461", "strictTest": true}}"#, "socketmap.strictTest: unknown key"),
        (#"{"tls": {"certificates": [{"hosts": ["a.test"], "certificate": "c.pem", "key": "k.pem", "chain": "x"}]}}"#,
         "tls.certificates[0].chain: unknown key"),
        (#"{"mtaSTS": [{"domain": "a.test", "mode": "none", "mx": [], "maxage": 5}]}"#, "mtaSTS[0].maxage: unknown key"),
        (#"{"domains": ["a.test", {"name": "b.test", "knd": "hosted"}]}"#, "domains[1].knd: unknown key"),
        (#"{"mail": {"relay": "127.0.0.1:25", "tsl": "none", "helo": "x", "hello": "y"}, "lisen": ":1"}"#,
         "lisen: unknown key; mail.hello: unknown key; mail.tsl: unknown key"),
    ])
    func nestedUnknownKeysAreRefusedWithTheirPath(document: String, message: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-bad-\(UUID().uuidString.prefix(8)).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(document.utf8).write(to: file)
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.load(path: file.path) }
        do {
            _ = try ServerConfiguration.load(path: file.path)
        } catch let error as ConfigurationError {
            #expect(error.reason == "\(file.path): \(message)")
        }
    }

    /// Known keys at every depth, and an explicit null, load.
    @Test func everyKnownKeyLoads() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-good-\(UUID().uuidString.prefix(8)).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"""
            {"listen": "127.0.0.1:1", "domains": ["a.test", {"name": "b.test", "kind": "hosted"}],
             "keyServer": {"baseURL": "https://k.test", "mailFrom": "k@k.test", "requestsPerMinutePerClient": 5, "secretFile": null},
             "mail": {"relay": "127.0.0.1:25", "tls": "none", "helo": "x"},
             "socketmap": {"listen": "127.0.0.1:8461", "strictTesting": true},
             "mtaSTS": [{"domain": "a.test", "mode": "none", "mx": [], "maxAge": 5}]}
            """#.utf8).write(to: file)
        let configuration = try ServerConfiguration.load(path: file.path)
        #expect(configuration.keyServer?.requestsPerMinutePerClient == 5)
        #expect(configuration.domains == [.init(name: "a.test"), .init(name: "b.test", kind: "hosted")])
        #expect(configuration.mtaSTS.first?.maxAge == 5)
    }
}

/// The server did not accept a connection.
struct ConnectionRefused: Error {}

/// A JSON value of the health document: a string or a list of strings.
enum Health: Decodable, Equatable {
    case text(String)
    case list([String])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) { self = .text(text) } else { self = .list(try container.decode([String].self)) }
    }
}

