import DNS
import Foundation
import HTTPFetch
import TestSupport
import Testing

/// The running lab (lab/lab.sh up), found through the variables `lab/lab.sh env` prints.
/// A test that needs the lab fails, with the reason, when the lab is not running: it never skips.
enum Lab {
    static func variable(_ name: String) throws -> String { try labVariable(name) }

    static func resolver() throws -> DNS.Resolver<ContinuousClock> {
        Resolver(configuration: try ResolverConfiguration(servers: [try variable("STOCKADE_RESOLVER")]))
    }

    static func httpsPort() throws -> Int {
        guard let port = Int(try variable("STOCKADE_LAB_HTTPS_PORT")) else { throw LabNotRunning(variable: "STOCKADE_LAB_HTTPS_PORT") }
        return port
    }

    /// A fetcher trusting only the lab CA.
    static func fetcher() throws -> HTTPFetcher {
        try HTTPFetcher(resolver: try resolver(), trustRoots: .only(pemFiles: [try variable("STOCKADE_LAB_CA")]))
    }

    /// Writes `bytes` where the lab's HTTPS server serves `https://<host>/<path>` (lab/run/https/www/<host>/<path>).
    static func publish(_ bytes: [UInt8], host: String, path: String) throws {
        let root = URL(fileURLWithPath: try variable("STOCKADE_LAB_HTTPS_ROOT"))
        let file = root.appendingPathComponent(host).appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file, options: .atomic)
    }

    /// Makes `https://<host>/<path>` answer with a redirect (the lab server reads `<path>.redirect`).
    static func publishRedirect(_ code: Int, to location: String, host: String, path: String) throws {
        try publish(Array("\(code) \(location)\n".utf8), host: host, path: path + ".redirect")
    }
}

/// Runs a program and returns its standard output; throws when it exits non-zero.
@discardableResult
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw ToolError.failed("\(executable) \(arguments.joined(separator: " ")): exit \(process.terminationStatus): "
            + String(decoding: errors, as: UTF8.self))
    }
    return String(decoding: data, as: UTF8.self)
}

enum ToolError: Error {
    case notRunning(String)
    case failed(String)
}

/// Test keys made by the real GnuPG in a throw-away home (killed afterwards, as PEERS.md asks).
struct TestKey: Sendable {
    var fingerprint: String
    var binary: [UInt8]
    var armored: [UInt8]
}

enum GnuPG {
    static let gpg = "/usr/bin/gpg"
    static let gpgconf = "/usr/bin/gpgconf"
    static let wksClient = "/usr/lib/gnupg/gpg-wks-client"

    /// Keys by name, generated once per test process on a thread of their own: gpg runs take a second or two, and
    /// blocking the (two-thread) cooperative pool meanwhile would delay every other test, timing tests included.
    static let keys = Task<[String: TestKey], any Error> {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try generate() }) }.start()
        }
    }

    /// The user IDs of each generated key.
    static let userIDs: [String: [String]] = [
        "adv": ["Adv User <adv-user@adv.web.test>"],
        "direct": ["Direct User <direct-user@direct.web.test>"],
        "moved": ["Moved <moved@direct.web.test>"],
        "two": ["Two <two@direct.web.test>", "Other Name <other@elsewhere.test>"],
        "stranger": ["Stranger <stranger@direct.web.test>"],
        "big": ["Big <big@direct.web.test>"],
        "pair": ["Pair <pair@direct.web.test>"],
    ]

    static func key(_ name: String) async throws -> TestKey {
        guard let key = try await keys.value[name] else { throw ToolError.failed("no test key \(name)") }
        return key
    }

    private static func generate() throws -> [String: TestKey] {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-wkd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer {
            _ = try? run(gpgconf, ["--homedir", home.path, "--kill", "all"])
            try? FileManager.default.removeItem(at: home)
        }
        let base = ["--homedir", home.path, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", ""]
        var result: [String: TestKey] = [:]
        for (name, uids) in userIDs {
            try run(gpg, base + ["--quick-gen-key", uids[0], "ed25519", "sign,cert", "never"])
            let listing = try run(gpg, base + ["--with-colons", "--list-keys", "=\(uids[0])"])
            guard let fpr = listing.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") })?
                .split(separator: ":", omittingEmptySubsequences: false).dropFirst(9).first.map(String.init)
            else { throw ToolError.failed("no fingerprint for \(uids[0])") }
            try run(gpg, base + ["--quick-add-key", fpr, "cv25519", "encr", "never"])
            for uid in uids.dropFirst() { try run(gpg, base + ["--quick-add-uid", fpr, uid]) }
            let binary = try exportKey(base + ["--export", fpr])
            let armored = try exportKey(base + ["--armor", "--export", fpr])
            result[name] = TestKey(fingerprint: fpr, binary: binary, armored: armored)
        }
        return result
    }

    private static func exportKey(_ arguments: [String]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gpg)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, !data.isEmpty else { throw ToolError.failed("gpg export failed") }
        return Array(data)
    }
}
