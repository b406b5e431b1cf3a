import DNS
import NIOCore
import Foundation
import TestSupport
import Testing

/// The running lab (lab/lab.sh up), found through the variables `lab/lab.sh env` prints.
/// A test that needs the lab fails, with the reason, when the lab is not running: it never skips.
enum Lab {
    static func variable(_ name: String) throws -> String { try labVariable(name) }

    /// The validating resolver (unbound).
    static func resolverAddress() throws -> String { try variable("STOCKADE_RESOLVER") }
    /// The authoritative server (nsd).
    static func authoritativeAddress() throws -> String { try variable("STOCKADE_LAB_AUTH") }

    /// A fresh resolver asking the lab's validating resolver.
    static func resolver(trust: ResolverConfiguration.Trust = .loopbackOnly) throws -> Resolver<ContinuousClock> {
        Resolver(configuration: try ResolverConfiguration(servers: [try resolverAddress()], trust: trust))
    }

    /// A fresh resolver asking nsd directly (no recursion, no validation).
    static func authoritativeResolver() throws -> Resolver<ContinuousClock> {
        Resolver(configuration: try ResolverConfiguration(servers: [try authoritativeAddress()], trust: .none))
    }

    /// Runs dig against `server` (`HOST:PORT`) and returns its output lines.
    static func dig(_ arguments: [String], server: String) throws -> [String] {
        let address = try ResolverConfiguration.socketAddress(server)
        let output = try run("dig", ["@\(address.ipAddress!)", "-p", "\(address.port!)"] + arguments)
        return output.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw LabError.toolFailed(tool, process.terminationStatus) }
        return String(decoding: data, as: UTF8.self)
    }

    enum LabError: Error {
        case notRunning(String)
        case toolFailed(String, Int32)
    }
}

/// A clock that moves only when told to, for TTL tests without sleeping.
final class ManualClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let lock = NSLock()
    private var current = Instant(offset: .zero)

    var now: Instant { lock.withLock { current } }
    var minimumResolution: Duration { .nanoseconds(1) }

    func advance(by duration: Duration) { lock.withLock { current = current.advanced(by: duration) } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        throw CancellationError()
    }
}

/// Bytes from a hex string, for test vectors.
func bytes(hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return result
}
