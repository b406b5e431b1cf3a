import DNS
import Foundation
import HTTPFetch
import Logging
import MTASTS
import NIOCore
import PostfixPolicy
import TestSupport
import Testing

/// Replies for Postfix against the lab's MTA-STS domains, in postfix-mta-sts-resolver 1.5.1's format, and the same
/// replies read by Postfix's own `postmap -q` through `socketmap:inet:`.
@Suite("Postfix policy service (lab)")
struct PolicyResponderLabTests {
    static func responder(_ configure: (inout PolicyResponderOptions) -> Void = { _ in }) throws -> PolicyResponder {
        let dns = DNS.Resolver<ContinuousClock>(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")]))
        var configuration = MTASTSResolver.Configuration()
        configuration.port = Int(try labVariable("STOCKADE_LAB_HTTPS_PORT")) ?? 443
        configuration.fetchTimeout = .seconds(2)
        let policies = MTASTSResolver(
            resolver: dns, fetcher: try HTTPFetcher(resolver: dns, trustRoots: .only(pemFiles: [try labVariable("STOCKADE_LAB_CA")])),
            storage: MemoryPolicyStorage(), configuration: configuration)
        var options = PolicyResponderOptions()
        configure(&options)
        return PolicyResponder(policies: policies, dns: dns, options: options)
    }

    @Test(arguments: [
        ("postfix enforce.web.test", "OK secure match=mx1.enforce.web.test:.backup.enforce.web.test servername=hostname"),
        ("postfix ENFORCE.web.test.", "OK secure match=mx1.enforce.web.test:.backup.enforce.web.test servername=hostname"),
        ("postfix testing.web.test", "NOTFOUND "),
        ("postfix none.web.test", "NOTFOUND "),
        ("postfix notxt.web.test", "NOTFOUND "),
        ("postfix redirect.web.test", "NOTFOUND "),
        ("postfix [192.0.2.1]", "NOTFOUND "),
        ("postfix 192.0.2.1", "NOTFOUND "),
        ("postfix [ipv6:2001:db8::1]", "NOTFOUND "),
        ("postfix .enforce.web.test", "NOTFOUND "),
        // RFC 8461 §2: DANE takes precedence; postfix-mta-sts-resolver would answer `OK secure match=…` here.
        ("postfix danests.web.test", "OK dane-only"),
        ("garbage", "PERM expected \"<map name> <domain>\", got \"garbage\""),
        ("postfix ", "PERM empty lookup key"),
    ])
    func defaultReplies(request: String, reply: String) async throws {
        #expect(await (try Self.responder()).reply(to: request).description == reply)
    }

    @Test func options() async throws {
        let strict = try Self.responder { $0.strictTesting = true }
        #expect(await strict.reply(to: "postfix testing.web.test").description == "OK secure match=mx.testing.web.test servername=hostname")
        let plain = try Self.responder { $0.requireSNI = false; $0.danePrecedence = false }
        #expect(await plain.reply(to: "postfix danests.web.test").description == "OK secure match=mx.danests.web.test")
        let tlsrpt = try Self.responder { $0.tlsrpt = true }
        #expect(await tlsrpt.reply(to: "postfix enforce.web.test").description == """
            OK secure match=mx1.enforce.web.test:.backup.enforce.web.test servername=hostname policy_type=sts \
            policy_domain=enforce.web.test mx_host_pattern=mx1.enforce.web.test mx_host_pattern=*.backup.enforce.web.test \
            { policy_string = version: STSv1 } { policy_string = mode: enforce } { policy_string = mx: mx1.enforce.web.test } \
            { policy_string = mx: *.backup.enforce.web.test } { policy_string = max_age: 86400 }
            """)
    }

    /// Postfix's `postmap -q KEY socketmap:inet:127.0.0.1:PORT:postfix` against the running service: what Postfix's
    /// smtp client would get for each domain (exit 1 and no output for NOTFOUND).
    @Test func postfixPostmapReadsTheReplies() async throws {
        let postmap = try locateTool("postmap")
        let bound = BoundAddress()
        let server = SocketmapServer(responder: try Self.responder(), host: "127.0.0.1", port: 0,
                                     logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                     onBound: { bound.set($0.port ?? 0) })
        let task = Task { try await server.run() }
        defer { task.cancel() }
        let port = try await bound.wait()
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("postfix-\(port)")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try Data("compatibility_level = 3.6\n".utf8).write(to: config.appendingPathComponent("main.cf"))
        defer { try? FileManager.default.removeItem(at: config) }
        func lookup(_ key: String) throws -> String? {
            do {
                return String(decoding: try runTool(postmap, ["-c", config.path, "-q", key, "socketmap:inet:127.0.0.1:\(port):postfix"]),
                              as: UTF8.self)
            } catch let failure as ToolFailed where failure.status == 1 {
                return nil
            }
        }
        #expect(try lookup("enforce.web.test") == "secure match=mx1.enforce.web.test:.backup.enforce.web.test servername=hostname\n")
        #expect(try lookup("danests.web.test") == "dane-only\n")
        #expect(try lookup("testing.web.test") == nil)
        #expect(try lookup("notxt.web.test") == nil)
    }
}

/// The port a server bound, handed from its onBound callback to the test.
final class BoundAddress: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?
    func set(_ value: Int) { lock.withLock { port = value } }
    func wait() async throws -> Int {
        for _ in 0..<100 {
            if let port = lock.withLock({ port }) { return port }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LabNotRunning(variable: "socketmap server port")
    }
}
