import Foundation
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

    static func labResolver() throws -> String {
        guard let value = ProcessInfo.processInfo.environment["STOCKADE_RESOLVER"], !value.isEmpty else {
            throw LabNotRunning()
        }
        return value
    }
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
        let port = Int.random(in: 20_000..<40_000)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-serve-\(port)")
        let config = data.appendingPathExtension("json")
        try Data("""
            {"listen": "127.0.0.1:\(port)", "dataDirectory": "\(data.path)", "domains": ["demo.test"]}
            """.utf8).write(to: config)
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["serve", "--config", config.path, "--log-level", "error"]
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: data)
            try? FileManager.default.removeItem(at: config)
        }
        var body: String?
        for _ in 0..<100 where body == nil {
            body = try? httpGet(host: "127.0.0.1", port: port, path: "/health")
            if body == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let response = try #require(body)
        #expect(response.hasPrefix("HTTP/1.1 200"))
        #expect(response.contains("\r\nContent-Type: application/json; charset=utf-8\r\n"))
        let json = try #require(response.components(separatedBy: "\r\n\r\n").last)
        let health = try JSONDecoder().decode([String: Health].self, from: Data(json.utf8))
        #expect(health == ["status": .text("ok"), "version": .text("0.1.0"), "domains": .list(["demo.test"])])
        #expect(FileManager.default.fileExists(atPath: data.path), "the data directory is created")
    }
}

/// The lab's variables are missing: the test fails (it never skips).
struct LabNotRunning: Error, CustomStringConvertible {
    var description: String { "STOCKADE_RESOLVER is not set: run `make test` (it starts the lab), or `lab/lab.sh up` and `eval \"$(lab/lab.sh env)\"`" }
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

/// A minimal HTTP/1.1 GET over a plain socket, to check the server as any client would.
func httpGet(host: String, port: Int, path: String) throws -> String {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr(host)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw ConnectionRefused() }
    let request = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n"
    _ = request.withCString { send(descriptor, $0, strlen($0), 0) }
    var response: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = recv(descriptor, &chunk, chunk.count, 0)
        if count <= 0 { break }
        response += chunk[..<count]
    }
    return String(decoding: response, as: UTF8.self)
}
