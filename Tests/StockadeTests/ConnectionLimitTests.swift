import Foundation
import TestSupport
import Testing

/// The listeners of `stockade serve` against idle and slow clients, a full descriptor table and restarts after
/// SIGKILL (issue 13): every connection ends after the configured time, closed by the server; thousands of idle
/// connections do not slow a request; a table filled to its limit leaves the server alive; a killed server binds again
/// at once on the same ports.
@Suite("connection limits of stockade serve (lab)", .serialized)
struct ConnectionLimitTests {
    static let query = "postfix enforce.web.test"
    static let secureReply = "OK secure match=mx1.enforce.web.test:.backup.enforce.web.test servername=hostname"

    @Test func everyKindOfConnectionIsClosedByTheServerInTime() async throws {
        let server = try await LimitedServer(connections: ["idleTimeout": 2, "requestHeadTimeout": 1], socketmap: ["idleTimeout": 1])
        defer { server.stop() }
        #expect(try Wire.socketmapQuery(port: server.socketmapPort, Self.query) == Self.secureReply)

        let started = ContinuousClock.now
        var cases: [(name: String, descriptor: Int32, limit: Double)] = []
        cases.append(("HTTP, nothing sent", try Wire.connect(port: server.httpPort), 1))
        let half = try Wire.connect(port: server.httpPort)
        try Wire.send(half, "GET /health HTTP/1.1\r\nHost: localhost\r\nUser-Agent: sl")
        cases.append(("HTTP, half a request head", half, 1))
        let body = try Wire.connect(port: server.httpPort)
        try Wire.send(body, "POST /admin/domains HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{\"na")
        cases.append(("HTTP, a body pending", body, 1))
        let keepAlive = try Wire.connect(port: server.httpPort)
        try Wire.send(keepAlive, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        cases.append(("HTTP, keep-alive after a response", keepAlive, 2))
        cases.append(("socketmap, nothing sent", try Wire.connect(port: server.socketmapPort), 1))
        let netstring = try Wire.connect(port: server.socketmapPort)
        try Wire.send(netstring, "24:postfix enfo")
        cases.append(("socketmap, half a netstring", netstring, 1))
        let answered = try Wire.connect(port: server.socketmapPort)
        try Wire.send(answered, Wire.netstring(Self.query))
        cases.append(("socketmap, idle after a reply", answered, 1))

        for (name, descriptor, limit) in cases {
            defer { close(descriptor) }
            // The server closes: a read returns end of file (not a timeout on our side) within the limit plus slack.
            let end = Wire.readUntilEOF(descriptor, timeout: .seconds(limit + 3))
            let elapsed = ContinuousClock.now - started
            #expect(end.closedByPeer, "\(name): still open after \(elapsed)")
            #expect(elapsed < .seconds(limit + 1.5), "\(name): closed after \(elapsed), limit \(limit) s")
            #expect(elapsed > .seconds(limit * 0.8), "\(name): closed after \(elapsed), before its limit \(limit) s")
        }
        #expect(server.isRunning)
    }

    @Test func aFullDescriptorTableLeavesTheServerAlive() async throws {
        // 256 descriptors: caps of 96 (HTTP) and 24 (socketmap); before the caps, libdispatch crashed the process.
        let server = try await LimitedServer(openFileLimit: 256)
        defer { server.stop() }
        var descriptors: [Int32] = []
        defer { descriptors.forEach { close($0) } }
        for port in [server.httpPort, server.socketmapPort] {
            for _ in 0..<300 {
                guard let descriptor = try? Wire.connect(port: port, timeout: .milliseconds(300)) else { break }
                descriptors.append(descriptor)
            }
        }
        #expect(descriptors.count > 256, "only \(descriptors.count) connections opened")
        // Requests on every socketmap connection make the server work (DNS, the policy cache) while the table is full.
        for descriptor in descriptors.suffix(150) { try? Wire.send(descriptor, Wire.netstring(Self.query)) }
        try await Task.sleep(for: .seconds(3))
        #expect(server.isRunning)
        #expect(server.openDescriptors < 256)

        descriptors.forEach { close($0) }
        descriptors = []
        var answered = false
        for _ in 0..<50 where !answered {
            try await Task.sleep(for: .milliseconds(200))
            answered = (try? HTTPExchange.send(port: server.httpPort, method: "GET", path: "/health", headers: ["Host": "localhost"]))?.status == 200
        }
        #expect(answered)
        #expect(try Wire.socketmapQuery(port: server.socketmapPort, Self.query) == Self.secureReply)
        #expect(server.isRunning)
    }

    @Test func idleConnectionsDoNotDelayARequest() async throws {
        // 2 000 idle connections to each listener fit this machine's limit (20 000 for the server and for the tests).
        let count = min(2_000, (Wire.openFileLimit() - 200) / 2)
        let server = try await LimitedServer(socketmap: ["maxConnections": 2_500])
        defer { server.stop() }
        _ = try Wire.socketmapQuery(port: server.socketmapPort, Self.query)
        let before = try Self.latencies(server)
        let residentBefore = server.residentKilobytes

        var descriptors: [Int32] = []
        defer { descriptors.forEach { close($0) } }
        for port in [server.httpPort, server.socketmapPort] {
            for _ in 0..<count { descriptors.append(try Wire.connect(port: port)) }
        }
        try await Task.sleep(for: .milliseconds(500))
        let with = try Self.latencies(server)
        let residentWith = server.residentKilobytes
        descriptors.forEach { close($0) }
        descriptors = []
        try await Task.sleep(for: .seconds(2))
        let residentAfter = server.residentKilobytes

        print("idle connections: \(count) to each listener; /health median \(before.http) before, \(with.http) with; "
              + "socketmap median \(before.socketmap) before, \(with.socketmap) with; VmRSS \(residentBefore) kB before, "
              + "\(residentWith) kB with, \(residentAfter) kB after")
        #expect(with.http - before.http < .milliseconds(100))
        #expect(with.socketmap - before.socketmap < .milliseconds(100))
        #expect(server.isRunning)
    }

    @Test func aKilledServerBindsAgainAtOnce() async throws {
        let server = try await LimitedServer()
        defer { server.stop() }
        for round in 1...5 {
            // Connections in every state on both ports: closed by the server (TIME_WAIT on the server's port), and open.
            for _ in 0..<3 { _ = try HTTPExchange.send(port: server.httpPort, method: "GET", path: "/health", headers: [:]) }
            let open = [try Wire.connect(port: server.httpPort), try Wire.connect(port: server.socketmapPort)]
            try Wire.send(open[0], "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(try Wire.socketmapQuery(port: server.socketmapPort, Self.query) == Self.secureReply)
            server.kill()
            open.forEach { close($0) }
            try await server.start()
            #expect(try HTTPExchange.send(port: server.httpPort, method: "GET", path: "/health", headers: [:]).status == 200,
                    "round \(round)")
            #expect(try Wire.socketmapQuery(port: server.socketmapPort, Self.query) == Self.secureReply, "round \(round)")
        }
    }

    /// Median latency of 20 `/health` requests and 20 socketmap queries (one connection each).
    static func latencies(_ server: LimitedServer) throws -> (http: Duration, socketmap: Duration) {
        func median(_ body: () throws -> Void) rethrows -> Duration {
            var samples: [Duration] = []
            for _ in 0..<20 {
                let start = ContinuousClock.now
                try body()
                samples.append(ContinuousClock.now - start)
            }
            return samples.sorted()[samples.count / 2]
        }
        let http = try median { _ = try HTTPExchange.send(port: server.httpPort, method: "GET", path: "/health", headers: [:]) }
        let socketmap = try median { _ = try Wire.socketmapQuery(port: server.socketmapPort, query) }
        return (http, socketmap)
    }
}

/// `stockade serve` with HTTP and the socketmap on fixed loopback ports below the ephemeral range, optionally under a
/// lower open-file limit (`ulimit -n` in a shell that then execs the server, so the process id is the server's).
final class LimitedServer: @unchecked Sendable {
    let httpPort: Int
    let socketmapPort: Int
    let dataDirectory: URL
    let configFile: URL
    let openFileLimit: Int?
    private var process = Process()

    init(openFileLimit: Int? = nil, connections: [String: Any]? = nil, socketmap extra: [String: Any] = [:]) async throws {
        httpPort = freeLoopbackPort()
        socketmapPort = freeLoopbackPort()
        self.openFileLimit = openFileLimit
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-limits-\(UUID().uuidString.prefix(8))")
        configFile = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-limits-\(UUID().uuidString.prefix(8)).json")
        var socketmap: [String: Any] = [
            "listen": "127.0.0.1:\(socketmapPort)", "caFile": try labVariable("STOCKADE_LAB_CA"),
            "policyPort": Int(try labVariable("STOCKADE_LAB_HTTPS_PORT")) ?? 443,
        ]
        socketmap.merge(extra) { $1 }
        var configuration: [String: Any] = [
            "listen": "127.0.0.1:\(httpPort)", "dataDirectory": dataDirectory.path, "resolver": try labVariable("STOCKADE_RESOLVER"),
            "socketmap": socketmap,
        ]
        if let connections { configuration["connections"] = connections }
        try JSONSerialization.data(withJSONObject: configuration).write(to: configFile)
        try await start()
    }

    /// Starts the server and waits up to 10 s until /health answers and the socketmap port accepts.
    func start() async throws {
        process = Process()
        let serve = [CLI.executable.path, "serve", "--config", configFile.path, "--log-level", "error"]
        if let openFileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "ulimit -n \(openFileLimit) && exec \"$@\"", "bash"] + serve
        } else {
            process.executableURL = CLI.executable
            process.arguments = Array(serve.dropFirst())
        }
        try process.run()
        for _ in 0..<100 {
            guard process.isRunning else { throw ServerExited(status: process.terminationStatus, arguments: process.arguments ?? []) }
            if (try? HTTPExchange.send(port: httpPort, method: "GET", path: "/health", headers: [:]))?.status == 200,
               canConnect(host: "127.0.0.1", port: socketmapPort) {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw ConnectionRefused()
    }

    var isRunning: Bool { process.isRunning }

    /// VmRSS from /proc/PID/status, in kB.
    var residentKilobytes: Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    var openDescriptors: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count) ?? 0
    }

    /// SIGKILL, and waits until the process is gone.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: configFile)
        try? FileManager.default.removeItem(at: dataDirectory)
    }
}

/// Plain blocking sockets for clients that misbehave on purpose.
enum Wire {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    static func openFileLimit() -> Int {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        return Int(limit.rlim_cur)
    }

    /// A connected socket to 127.0.0.1:port; `timeout` bounds the connect and every later send and receive.
    static func connect(port: Int, timeout: Duration = .seconds(5)) throws -> Int32 {
        try connectTCP(port: port, timeout: timeout)
    }

    static func send(_ descriptor: Int32, _ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failed(description: "send: errno \(errno)") }
            offset += sent
        }
    }

    static func netstring(_ payload: String) -> String { "\(payload.utf8.count):\(payload)," }

    /// Reads and discards until the peer closes (true) or `timeout` passes or the connection fails (false).
    static func readUntilEOF(_ descriptor: Int32, timeout: Duration) -> (closedByPeer: Bool, bytes: Int) {
        let deadline = ContinuousClock.now + timeout
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let remaining = deadline - ContinuousClock.now
            let milliseconds = Int32(max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&poller, 1, milliseconds) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { return (true, total) }
            if count < 0 { return (errno == ECONNRESET, total) }
            total += count
        }
        return (false, total)
    }

    /// One socketmap query on its own connection; the reply's payload.
    static func socketmapQuery(port: Int, _ query: String) throws -> String {
        let descriptor = try connect(port: port, timeout: .seconds(10))
        defer { close(descriptor) }
        try send(descriptor, netstring(query))
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while reply.last != UInt8(ascii: ",") {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { throw Failed(description: "socketmap reply ended after \(reply.count) bytes") }
            reply += buffer[..<count]
        }
        let text = String(decoding: reply, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { throw Failed(description: "not a netstring: \(text)") }
        return String(text[text.index(after: colon)...].dropLast())
    }
}
