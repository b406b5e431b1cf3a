import Foundation
import TestSupport
import Testing

/// `stockade milter` in front of a real Postfix 3.7 `smtpd` (``PostfixMilterHost``), driven by swaks, against the lab's
/// mail.test zones (lab/zones/mail.test.zone). Postfix reports its loopback peer (127.0.0.1), which SPF never
/// authorizes: only DKIM can align.
@Suite("milter with Postfix (lab)", .serialized)
struct MilterPostfixTests {
    static let smtpdAddress = "127.0.12.25"
    static let authservID = "mx.milter.test"
    /// How long the milter and Postfix get to come up or to deliver, in steps of ``pollInterval``.
    static let pollSteps = 200
    static let pollInterval = Duration.milliseconds(50)

    /// A running `stockade milter` and the Postfix in front of it; `stop()` ends both.
    final class Setup {
        let milter: Process
        let postfix: PostfixMilterHost
        let folder: URL

        /// - Parameters:
        ///   - options: more `stockade milter` options.
        ///   - socket: listen on this Unix socket file name in the test's folder instead of a loopback port.
        ///   - postfixSettings: more `main.cf` lines.
        ///   - address: the loopback address of Postfix's `smtpd`.
        init(options: [String] = [], socket: String? = nil, postfixSettings: [String] = [],
             address: String = MilterPostfixTests.smtpdAddress) async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-milter-\(UUID().uuidString.prefix(8))")
            self.folder = folder
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let port = freeLoopbackPort()
            let listen = socket.map { "unix:\(folder.appendingPathComponent($0).path)" } ?? "inet:127.0.0.1:\(port)"
            milter = Process()
            milter.executableURL = CLI.executable
            milter.arguments = ["milter", "--listen", listen, "--authserv-id", MilterPostfixTests.authservID,
                                "--resolver", try CLI.labResolver()] + options
            milter.standardOutput = FileHandle.nullDevice
            milter.standardError = FileHandle.nullDevice
            try milter.run()
            for _ in 0..<MilterPostfixTests.pollSteps {
                if let socket { if FileManager.default.fileExists(atPath: folder.appendingPathComponent(socket).path) { break } }
                else if canConnect(host: "127.0.0.1", port: port) { break }
                try await Task.sleep(for: MilterPostfixTests.pollInterval)
            }
            let sink = try labSMTPSink()
            postfix = try PostfixMilterHost(address: address, port: freeLoopbackPort(), milter: listen, relay: sink,
                                            settings: MilterPostfixTests.postfixSettings + postfixSettings)
            try postfix.start()
        }

        func stopMilter() {
            if milter.isRunning { milter.terminate() }
            milter.waitUntilExit()
        }

        func stop() {
            stopMilter()
            postfix.stop()
            try? FileManager.default.removeItem(at: folder)
        }

        /// Sends `message` (LF line ends; swaks turns them into CRLF) from `from` to a recipient at the sink, as
        /// `client` (XCLIENT) when given.
        func send(_ message: String, from: String, client: String? = nil) throws -> (status: Int32, transcript: String) {
            let file = folder.appendingPathComponent("\(UUID().uuidString).eml").path
            try Data(message.utf8).write(to: URL(fileURLWithPath: file))
            return try MilterPostfixTests.send(file: file, to: postfix, from: from, client: client)
        }

        /// `message` signed by `stockade dkim sign` with the zone's selector s1 of mail.test.
        func signed(_ message: String) throws -> String {
            let key = try MilterPostfixTests.writeKey(in: folder)
            let file = folder.appendingPathComponent("unsigned.eml").path
            try Data(message.utf8).write(to: URL(fileURLWithPath: file))
            let result = try CLI.run(["dkim", "sign", file, "--domain", "mail.test", "--selector", "s1", "--key", key])
            guard result.status == 0 else { throw SigningFailed(error: result.error) }
            return result.output
        }
    }

    /// Writes the zone's key of `selector` (s1 or s2) of mail.test as PKCS#8 PEM in `folder`; returns its path.
    static func writeKey(in folder: URL, selector: String = "s1") throws -> String {
        let key = folder.appendingPathComponent("\(selector).pem").path
        // The zone's key: the Ed25519 seed is SHA-256 of this text.
        _ = try runTool("python3", ["-c", """
            import hashlib, sys
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
            key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"stockade mail.test ed25519 selector \(selector)").digest())
            open(sys.argv[1], "wb").write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                            serialization.NoEncryption()))
            """, key])
        return key
    }

    struct SigningFailed: Error { let error: String }

    /// XCLIENT from loopback, so a test can speak as the zone's senders (192.0.2.10, 192.0.2.66), who may relay too.
    static let postfixSettings = ["smtpd_authorized_xclient_hosts = 127.0.0.0/8", "mynetworks = 127.0.0.0/8, 192.0.2.0/24"]

    /// swaks sends the message in `file` to `postfix`'s smtpd from `from` to a recipient at the sink, as `client`
    /// (XCLIENT) when given.
    static func send(file: String, to postfix: PostfixMilterHost, from: String, client: String?) throws -> (status: Int32, transcript: String) {
        try swaks(["--server", postfix.address, "--port", "\(postfix.port)", "--ehlo", "client.test",
                   "--timeout", "20", "--from", from, "--to", "rcpt@y.test", "--data", file]
                  + (client.map { ["--xclient-addr", $0] } ?? []))
    }

    static func message(from: String, subject: String, extraHeaders: [String] = []) -> String {
        (extraHeaders + ["From: Alice <\(from)>", "To: rcpt@y.test", "Subject: \(subject)", "Date: Sun, 06 Dec 2026 12:00:00 +0000",
                         "Message-ID: <\(UUID().uuidString)@mail.test>", "", "Hi.", ""]).joined(separator: "\n")
    }

    /// The queue ID of `250 2.0.0 Ok: queued as ID` in a swaks transcript.
    static func queueID(_ transcript: String) -> String? {
        transcript.split(separator: "\n").first { $0.hasPrefix("<-  250 2.0.0 Ok: queued as ") }?.split(separator: " ").last.map(String.init)
    }

    /// Whether the queue file `id` appears in the hold queue within the poll time.
    static func waitForHold(_ id: String, in postfix: PostfixMilterHost) async throws -> Bool {
        for _ in 0..<pollSteps {
            if FileManager.default.fileExists(atPath: "\(postfix.directory.path)/queue/hold/\(id)") { return true }
            try await Task.sleep(for: pollInterval)
        }
        return false
    }

    /// The sink's `.eml` that contains `token`.
    static func waitForMessage(containing token: String) async throws -> String? {
        for _ in 0..<pollSteps {
            if let text = try deliveredMessage(containing: token) { return text }
            try await Task.sleep(for: pollInterval)
        }
        return nil
    }

    /// The sink's `.eml` that contains `token`, if it has arrived.
    static func deliveredMessage(containing token: String) throws -> String? {
        let maildir = try labVariable("STOCKADE_LAB_SMTP_MAILDIR")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: maildir)) ?? [] where name.hasSuffix(".eml") {
            if let text = try? String(contentsOfFile: "\(maildir)/\(name)", encoding: .utf8), text.contains(token) { return text }
        }
        return nil
    }

    /// Signed by mail.test (DKIM aligns, SPF fails from 127.0.0.1): delivered with our header on top, the client's
    /// header forged with our authserv-id removed, another receiver's header kept.
    @Test func alignedSignatureIsDeliveredWithOneHeaderOnTop() async throws {
        let setup = try await Setup()
        defer { setup.stop() }
        let token = UUID().uuidString
        let message = try setup.signed(Self.message(from: "alice@mail.test", subject: "pass \(token)", extraHeaders: [
            "Authentication-Results: other.example; spf=pass smtp.mailfrom=mail.test",
            "Authentication-Results: \(Self.authservID); dmarc=pass",
        ]))
        let sent = try setup.send(message, from: "alice@mail.test")
        #expect(sent.status == 0, "\(sent.transcript)\n\(setup.postfix.log())")
        let delivered = try #require(try await Self.waitForMessage(containing: token), "\(setup.postfix.log())")
        let lines = delivered.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let headers = lines[..<(lines.firstIndex(of: "") ?? lines.count)]
        let ours = "Authentication-Results: \(Self.authservID); spf=fail smtp.mailfrom=alice@mail.test; "
            + "dkim=pass header.d=mail.test header.s=s1; dmarc=pass policy.dmarc=none header.from=mail.test"
        #expect(headers.first == ours, "\(delivered)")
        #expect(headers.filter { $0.hasPrefix("Authentication-Results:") }
            == [ours, "Authentication-Results: other.example; spf=pass smtp.mailfrom=mail.test"], "\(delivered)")
    }

    /// From mail.test (p=reject), unsigned: refused at the end of DATA.
    @Test func unsignedRejectPolicyIsRefused() async throws {
        let setup = try await Setup()
        defer { setup.stop() }
        let sent = try setup.send(Self.message(from: "alice@mail.test", subject: "unsigned"), from: "alice@mail.test")
        #expect(sent.status != 0)
        #expect(sent.transcript.contains(
            "\n<** 550 5.7.1 DMARC policy of mail.test rejects this message: no aligned Authenticated Identifier; p=reject\n"),
                "\(sent.transcript)\n\(setup.postfix.log())")
    }

    /// p=quarantine, p=reject with t=y (lowered to quarantine), and an existing subdomain under sp=quarantine: accepted,
    /// then held in Postfix's queue.
    @Test(arguments: ["quarantine.mail.test", "testing.mail.test", "sub.mail.test"])
    func quarantineIsHeld(domain: String) async throws {
        let setup = try await Setup()
        defer { setup.stop() }
        let sent = try setup.send(Self.message(from: "alice@\(domain)", subject: "held"), from: "alice@\(domain)")
        let id = try #require(Self.queueID(sent.transcript), "\(sent.transcript)\n\(setup.postfix.log())")
        #expect(try await Self.waitForHold(id, in: setup.postfix), "\(setup.postfix.log())")
    }

    /// The Author Domain's DMARC lookup fails (SERVFAIL): try again later.
    @Test func dnsFailureIsTemporary() async throws {
        let setup = try await Setup()
        defer { setup.stop() }
        let sent = try setup.send(Self.message(from: "alice@x.child.secure.test", subject: "servfail"), from: "alice@x.child.secure.test")
        #expect(sent.status != 0)
        #expect(sent.transcript.contains(
            "\n<** 451 4.7.1 DMARC of x.child.secure.test cannot be checked now: _dmarc.x.child.secure.test TXT: SERVFAIL\n"),
                "\(sent.transcript)\n\(setup.postfix.log())")
    }

    /// The milter gone: Postfix's `milter_default_action = tempfail` answers.
    @Test func stoppedMilterLeavesPostfixsDefault() async throws {
        let setup = try await Setup()
        defer { setup.stop() }
        setup.stopMilter()
        let sent = try setup.send(Self.message(from: "alice@mail.test", subject: "down"), from: "alice@mail.test")
        #expect(sent.transcript.contains("\n<** 451 4.7.1 Service unavailable - try again later\n"), "\(sent.transcript)")
    }

    /// Unsigned mail of mail.test from a trusted network (the loopback Postfix reports) is signed with s1, not checked:
    /// delivered with the signature on top, and the delivered message passes DMARC on that signature alone.
    @Test func trustedNetworkMailIsSigned() async throws {
        let keyFolder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-milter-key-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: keyFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: keyFolder) }
        let key = try Self.writeKey(in: keyFolder)
        let setup = try await Setup(options: ["--sign", "mail.test:s1:\(key)", "--trusted-network", "127.0.0.0/8"])
        defer { setup.stop() }
        let token = UUID().uuidString
        let sent = try setup.send(Self.message(from: "alice@mail.test", subject: "outbound \(token)"), from: "alice@mail.test")
        #expect(sent.status == 0, "\(sent.transcript)\n\(setup.postfix.log())")
        let delivered = try #require(try await Self.waitForMessage(containing: token), "\(setup.postfix.log())")
        #expect(delivered.hasPrefix("DKIM-Signature: v=1; a=ed25519-sha256; "), "\(delivered)")
        #expect(!delivered.contains("Authentication-Results:"), "signed, not checked")
        let file = keyFolder.appendingPathComponent("delivered.eml").path
        try Data(delivered.utf8).write(to: URL(fileURLWithPath: file))
        let check = try CLI.run(["dmarc", "check", file, "--ip", "192.0.2.66", "--helo", "mx.mail.test", "--mail-from", "alice@mail.test",
                                 "--authserv-id", "mx.example.net", "--resolver", try CLI.labResolver(), "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(check.output.utf8)) as? [String: Any], "\(check.error)")
        #expect(report["authentication_results"] as? String
            == "mx.example.net; spf=fail smtp.mailfrom=alice@mail.test; dkim=pass header.d=mail.test header.s=s1; "
            + "dmarc=pass policy.dmarc=none header.from=mail.test")
    }

    /// SPF sees the client Postfix reports: as 192.0.2.10 (XCLIENT) an unsigned mail.test message passes SPF, aligns and
    /// is delivered; as 192.0.2.66 the same message is refused.
    @Test func spfChecksThePostfixClient() async throws {
        let setup = try await Setup()
        defer { setup.stop() }
        let token = UUID().uuidString
        let sent = try setup.send(Self.message(from: "alice@mail.test", subject: "spf \(token)"), from: "alice@mail.test", client: "192.0.2.10")
        #expect(sent.status == 0, "\(sent.transcript)\n\(setup.postfix.log())")
        let delivered = try #require(try await Self.waitForMessage(containing: token), "\(setup.postfix.log())")
        #expect(delivered.hasPrefix("Authentication-Results: \(Self.authservID); spf=pass smtp.mailfrom=alice@mail.test; "
                                    + "dmarc=pass policy.dmarc=none header.from=mail.test\r\n"), "\(delivered)")
        let refused = try setup.send(Self.message(from: "alice@mail.test", subject: "spf"), from: "alice@mail.test", client: "192.0.2.66")
        #expect(refused.transcript.contains(
            "\n<** 550 5.7.1 DMARC policy of mail.test rejects this message: no aligned Authenticated Identifier; p=reject\n"),
                "\(refused.transcript)")
    }

    /// A name that does not exist under mail.test falls under np=reject; SPF passing for an unaligned MAIL FROM
    /// (bounces.mail.test is its own Organizational Domain) does not help mail.test.
    @Test func nonexistentSubdomainAndUnalignedSPFAreRefused() async throws {
        let setup = try await Setup()
        defer { setup.stop() }
        let missing = try setup.send(Self.message(from: "alice@nope.mail.test", subject: "np"), from: "alice@nope.mail.test")
        #expect(missing.transcript.contains(
            "\n<** 550 5.7.1 DMARC policy of nope.mail.test rejects this message: no aligned Authenticated Identifier; np=reject\n"),
                "\(missing.transcript)")
        let unaligned = try setup.send(Self.message(from: "alice@mail.test", subject: "unaligned"), from: "alice@bounces.mail.test",
                                       client: "192.0.2.10")
        #expect(unaligned.transcript.contains(
            "\n<** 550 5.7.1 DMARC policy of mail.test rejects this message: no aligned Authenticated Identifier; p=reject\n"),
                "\(unaligned.transcript)")
    }

    /// A trusted forwarder (XCLIENT 192.0.2.66 inside `--trusted-forwarder 192.0.2.64/26`): the DMARC failure is
    /// delivered with the header instead of refused.
    @Test func trustedForwarderFailureIsDelivered() async throws {
        let setup = try await Setup(options: ["--trusted-forwarder", "192.0.2.64/26"])
        defer { setup.stop() }
        let token = UUID().uuidString
        let sent = try setup.send(Self.message(from: "alice@mail.test", subject: "forwarded \(token)"), from: "alice@mail.test",
                                  client: "192.0.2.66")
        #expect(sent.status == 0, "\(sent.transcript)\n\(setup.postfix.log())")
        let delivered = try #require(try await Self.waitForMessage(containing: token), "\(setup.postfix.log())")
        #expect(delivered.hasPrefix("Authentication-Results: \(Self.authservID); spf=fail smtp.mailfrom=alice@mail.test; "
                                    + "dmarc=fail policy.dmarc=reject header.from=mail.test\r\n"), "\(delivered)")
    }

    /// `--trusted-authserv-id mx.lists.test=192.0.2.64/26`: from that upstream (XCLIENT 192.0.2.66) its `dmarc=pass` for
    /// mail.test delivers an unsigned message that fails here, with its field kept under ours; the same field from
    /// 192.0.2.200 is a forgery (RFC 8601 §5): never believed (550 5.7.1).
    @Test func trustedAuthservIDIsBelievedFromItsUpstreamOnly() async throws {
        let setup = try await Setup(options: ["--trusted-authserv-id", "mx.lists.test=192.0.2.64/26"])
        defer { setup.stop() }
        let token = UUID().uuidString
        let upstream = "Authentication-Results: mx.lists.test; dkim=pass header.d=mail.test; dmarc=pass header.from=mail.test"
        let sent = try setup.send(Self.message(from: "alice@mail.test", subject: "listed \(token)", extraHeaders: [upstream]),
                                  from: "alice@mail.test", client: "192.0.2.66")
        #expect(sent.status == 0, "\(sent.transcript)\n\(setup.postfix.log())")
        let delivered = try #require(try await Self.waitForMessage(containing: token), "\(setup.postfix.log())")
        let fields = delivered.components(separatedBy: "\r\n").filter { $0.hasPrefix("Authentication-Results:") }
        #expect(fields == ["Authentication-Results: \(Self.authservID); spf=fail smtp.mailfrom=alice@mail.test; "
                           + "dmarc=fail policy.dmarc=reject header.from=mail.test", upstream], "\(delivered)")
        let forged = try setup.send(Self.message(from: "alice@mail.test", subject: "forged", extraHeaders: [upstream]),
                                    from: "alice@mail.test", client: "192.0.2.200")
        #expect(forged.transcript.contains(
            "\n<** 550 5.7.1 DMARC policy of mail.test rejects this message: no aligned Authenticated Identifier; p=reject\n"),
                "\(forged.transcript)")
    }
}
