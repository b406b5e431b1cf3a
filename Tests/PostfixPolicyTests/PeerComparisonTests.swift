import Foundation
import Logging
import NIOCore
import PostfixPolicy
import TestSupport
import Testing

/// Side by side with postfix-mta-sts-resolver 1.5.1 (PyPI), both asked through Postfix's `postmap` against the same
/// lab: identical answers wherever the peer follows RFC 8461; each difference names the section Stockade follows.
/// The peer reads only /etc/resolv.conf and the default CA store, so it runs in a private mount namespace with the
/// lab's resolv.conf bound over it and `SSL_CERT_FILE` set to the lab's bundle (needs root, as the lab does).
@Suite("socketmap next to postfix-mta-sts-resolver (lab)")
struct PeerComparisonTests {
    /// The peer's daemon on a free port; stopped by its PID.
    final class Peer: @unchecked Sendable {
        let port = freeLoopbackPort()
        private let process = Process()
        private let config = FileManager.default.temporaryDirectory.appendingPathComponent("mta-sts-daemon-\(UUID().uuidString.prefix(8)).yml")

        init() async throws {
            let python = try locateTool("python3")
            _ = try runTool(python, ["-c", "import postfix_mta_sts_resolver"])
            try Data("""
                host: 127.0.0.1
                port: \(port)
                shutdown_timeout: 1
                cache: {type: internal, options: {cache_size: 1000}}
                default_zone: {strict_testing: false, timeout: 4, require_sni: true}
                """.utf8).write(to: config)
            let resolvConf = try labVariable("STOCKADE_LAB_RESOLV_CONF")
            let bundle = try labVariable("STOCKADE_LAB_CA_BUNDLE")
            process.executableURL = URL(fileURLWithPath: try locateTool("unshare"))
            process.arguments = ["-m", "sh", "-c", """
                mount --bind '\(resolvConf)' /etc/resolv.conf && SSL_CERT_FILE='\(bundle)' exec '\(python)' \
                -c 'from postfix_mta_sts_resolver.daemon import main; main()' -c '\(config.path)' -v error
                """]
            try process.run()
            for _ in 0..<100 where !canConnect(host: "127.0.0.1", port: port) { try await Task.sleep(for: .milliseconds(100)) }
            guard canConnect(host: "127.0.0.1", port: port) else {
                stop()
                throw LabNotRunning(variable: "postfix-mta-sts-resolver on 127.0.0.1:\(port)")
            }
        }

        func stop() {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
            try? FileManager.default.removeItem(at: config)
        }
    }

    /// `postmap -q`, with the match list as a set (the peer lists patterns in hash order).
    static func answer(_ key: String, port: Int) throws -> String {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("postfix-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: config) }
        try Data("compatibility_level = 3.6\n".utf8).write(to: config.appendingPathComponent("main.cf"))
        let raw: String
        do {
            raw = String(decoding: try runTool(try locateTool("postmap"), ["-c", config.path, "-q", key, "socketmap:inet:127.0.0.1:\(port):postfix"]),
                         as: UTF8.self)
        } catch let failure as ToolFailed where failure.status == 1 {
            return "NOTFOUND"
        }
        return raw.split(separator: " ").map { word in
            word.hasPrefix("match=") ? "match=" + word.dropFirst(6).split(separator: ":").sorted().joined(separator: ":") : String(word)
        }.joined(separator: " ").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// ``answer(_:port:)`` on a Dispatch thread: the blocking wait for postmap must not hold one of the two
    /// cooperative threads that the in-process server needs.
    static func answerOffloaded(_ key: String, port: Int) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try answer(key, port: port) }) }
        }
    }

    @Test func sameAnswersWhereThePeerFollowsTheRFC() async throws {
        let peer = try await Peer()
        defer { peer.stop() }
        let bound = BoundAddress()
        let server = SocketmapServer(responder: try PolicyResponderLabTests.responder(), host: "127.0.0.1", port: 0,
                                     logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                     onBound: { bound.set($0.port ?? 0) })
        let task = Task { try await server.run() }
        defer { task.cancel() }
        let ours = try await bound.wait()

        let same = ["enforce.web.test", "testing.web.test", "none.web.test", "notxt.web.test", "twotxt.web.test",
                    "redirect.web.test", "wrongcert.web.test", "selfsignedsts.web.test", "missing.web.test",
                    "nosuchdomain.web.test", "[192.0.2.1]", ".enforce.web.test"]
        for domain in same {
            let (mine, theirs) = (try await Self.answerOffloaded(domain, port: ours), try await Self.answerOffloaded(domain, port: peer.port))
            #expect(mine == theirs, "\(domain)")
        }
        #expect(try await Self.answerOffloaded("enforce.web.test", port: ours) == "secure match=.backup.enforce.web.test:mx1.enforce.web.test servername=hostname")

        // RFC 8461 §3.1: sts-id = 1*32(ALPHA / DIGIT); "bad_id!" makes the record invalid, so no policy applies.
        // The peer takes any id.
        #expect(try await Self.answerOffloaded("badid.web.test", port: peer.port) == "secure match=mx.badid.web.test servername=hostname")
        #expect(try await Self.answerOffloaded("badid.web.test", port: ours) == "NOTFOUND")
        // RFC 8461 §2: where DANE TLSA records are DNSSEC-secure, DANE takes precedence over MTA-STS. The peer
        // answers `secure`, which overrides Postfix's own DANE; Stockade answers `dane-only`.
        #expect(try await Self.answerOffloaded("danests.web.test", port: peer.port) == "secure match=mx.danests.web.test servername=hostname")
        #expect(try await Self.answerOffloaded("danests.web.test", port: ours) == "dane-only")
    }
}
