import Foundation
import TestSupport
import Testing

/// A `stockade serve` process on a loopback port with its own data directory; stopped (SIGTERM) by `stop()`, killed with
/// any signal by ``kill(signal:)``, and started again on the same configuration, data directory and port by ``restart()``.
final class ServerProcess: @unchecked Sendable {
    let port: Int
    let dataDirectory: URL
    let configFile: URL
    /// When set, the server's standard error is appended to this file instead of going to the test's.
    let errorLog: URL?
    private let configuration: Data
    private let listensOnItsOwn: Bool
    private let listenHost: String
    private let listenPort: Int
    private var process = Process()

    /// Starts the server with `extra` merged into its configuration, and waits until it answers: /health over plain
    /// HTTP on 127.0.0.1, or a TCP connection to `listen` when `extra` sets its own listener (TLS). `port` is random
    /// unless given.
    init(extra: [String: Any] = [:], dataDirectory: URL? = nil, port: Int? = nil, errorLog: URL? = nil) async throws {
        self.port = port ?? freeLoopbackPort()
        self.errorLog = errorLog
        self.dataDirectory = dataDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("stockade-data-\(UUID().uuidString.prefix(8))")
        configFile = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-\(UUID().uuidString.prefix(8)).json")
        var configuration: [String: Any] = ["listen": "127.0.0.1:\(self.port)", "dataDirectory": self.dataDirectory.path]
        configuration.merge(extra) { $1 }
        self.configuration = try JSONSerialization.data(withJSONObject: configuration)
        listensOnItsOwn = extra["listen"] != nil
        let listen = (configuration["listen"] as? String) ?? "127.0.0.1:\(self.port)"
        (listenHost, listenPort) = (String(listen.split(separator: ":")[0]), Int(listen.split(separator: ":")[1]) ?? 0)
        try await launch()
    }

    /// Writes the configuration file, runs `stockade serve` and waits (up to 10 s) until it answers.
    private func launch() async throws {
        try configuration.write(to: configFile)
        process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["serve", "--config", configFile.path, "--log-level", "error"]
        if let errorLog {
            if !FileManager.default.fileExists(atPath: errorLog.path) { _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil) }
            let handle = try FileHandle(forWritingTo: errorLog)
            try handle.seekToEnd()
            process.standardError = handle
        }
        try process.run()
        for _ in 0..<100 {
            guard process.isRunning else { throw ServerExited(status: process.terminationStatus, arguments: process.arguments ?? []) }
            if !listensOnItsOwn {
                if (try? HTTPExchange.send(port: port, method: "GET", path: "/health", headers: [:])) != nil { return }
            } else if canConnect(host: listenHost, port: listenPort) {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw ConnectionRefused()
    }

    /// Starts the server again after ``stop()`` or ``kill(signal:)``: same configuration, data directory and port.
    func restart() async throws {
        precondition(!process.isRunning, "restart() of a running server")
        try await launch()
    }

    /// The process ID of the current run.
    var processIdentifier: Int32 { process.processIdentifier }

    /// Sends `signal` to the server (`SIGKILL`: no shutdown of any kind) and waits until it has exited; returns its
    /// termination status (the signal's number when a signal ended it).
    @discardableResult
    func kill(signal: Int32) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        _ = sendSignal(signal, to: process.processIdentifier)
        process.waitUntilExit()
        return process.terminationStatus
    }

    func request(_ method: String, _ path: String, host: String = "localhost", headers: [String: String] = [:], body: [UInt8] = []) throws -> HTTPExchange {
        try HTTPExchange.send(port: port, method: method, path: path, headers: ["Host": host].merging(headers) { $1 }, body: body)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: configFile)
    }

    func removeData() { try? FileManager.default.removeItem(at: dataDirectory) }
}

/// One HTTP/1.1 exchange over a plain socket, parsed just enough for assertions: status, headers, body bytes.
struct HTTPExchange {
    let status: Int
    let headers: [String: String]
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    static func send(port: Int, method: String, path: String, headers: [String: String], body: [UInt8] = []) throws -> HTTPExchange {
        var request = "\(method) \(path) HTTP/1.1\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if !body.isEmpty { request += "Content-Length: \(body.count)\r\n" }
        request += "\r\n"
        let raw = try rawExchange(port: port, bytes: Array(request.utf8) + body)
        guard let split = raw.firstRange(of: Array("\r\n\r\n".utf8)) else { throw MalformedResponse() }
        let head = String(decoding: raw[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = head.first, statusLine.hasPrefix("HTTP/1.1 "), let status = Int(statusLine.dropFirst(9).prefix(3)) else {
            throw MalformedResponse()
        }
        var fields: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPExchange(status: status, headers: fields, body: Array(raw[split.upperBound...]))
    }

    struct MalformedResponse: Error {}
}

/// `kill(2)`, out of reach of ``ServerProcess/kill(signal:)``'s name.
private func sendSignal(_ signal: Int32, to process: pid_t) -> Int32 { kill(process, signal) }

/// Sends bytes to 127.0.0.1:port and reads until the server closes.
func rawExchange(port: Int, bytes: [UInt8]) throws -> [UInt8] {
    guard let descriptor = try? connectTCP(port: port) else { throw ConnectionRefused() }
    defer { close(descriptor) }
    var offset = 0
    while offset < bytes.count {
        let sent = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        guard sent > 0 else { throw ConnectionRefused() }
        offset += sent
    }
    var response: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = recv(descriptor, &chunk, chunk.count, 0)
        if count <= 0 { break }
        response += chunk[..<count]
    }
    return response
}

/// `stockade serve` ended before it answered (its standard error is the test's).
struct ServerExited: Error, CustomStringConvertible {
    let status: Int32
    let arguments: [String]
    var description: String { "stockade \(arguments.joined(separator: " ")) exited with status \(status) before answering" }
}
