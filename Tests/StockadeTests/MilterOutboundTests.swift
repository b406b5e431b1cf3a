import Foundation
import TestSupport
import Testing

/// The milter's outbound side and its operation in front of a real Postfix 3.7 (``MilterPostfixTests/Setup``): the
/// two-selector rotation verified by dkimpy and OpenDKIM, local submission through `sendmail` (`non_smtpd_milters`),
/// Postfix's `milter_default_action` when the milter is gone, and a Unix socket Postfix's `smtpd` user can open.
@Suite("milter outbound and operation with Postfix (lab)", .serialized)
struct MilterOutboundTests {
    /// Keys of s1 and s2 (lab/zones/mail.test.zone) in a fresh folder.
    final class Keys {
        let folder: URL
        let s1: String
        let s2: String

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-milter-keys-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            s1 = try MilterPostfixTests.writeKey(in: folder, selector: "s1")
            s2 = try MilterPostfixTests.writeKey(in: folder, selector: "s2")
        }

        deinit { try? FileManager.default.removeItem(at: folder) }
    }

    /// `--sign` s1 with `--sign-next` s2 from `from`: before it s1 signs, from it on s2. Each delivered message carries
    /// exactly that `s=` and verifies with dkimpy (dnspython at the lab resolver) and OpenDKIM's `opendkim-testmsg`.
    @Test(arguments: [("2099-01-01T00:00:00Z", "s1"), ("2026-01-01T00:00:00Z", "s2")])
    func rotationSignsWithTheSelectorInForceAndPeersVerify(from: String, selector: String) async throws {
        let keys = try Keys()
        let setup = try await MilterPostfixTests.Setup(options: ["--sign", "mail.test:s1:\(keys.s1)",
                                                                 "--sign-next", "mail.test:s2:\(keys.s2):\(from)",
                                                                 "--trusted-network", "127.0.0.0/8"])
        defer { setup.stop() }
        let token = UUID().uuidString
        let sent = try setup.send(MilterPostfixTests.message(from: "alice@mail.test", subject: "rotation \(token)"), from: "alice@mail.test")
        #expect(sent.status == 0, "\(sent.transcript)\n\(setup.postfix.log())")
        let delivered = try #require(try await MilterPostfixTests.waitForMessage(containing: token), "\(setup.postfix.log())")
        #expect(delivered.hasPrefix("DKIM-Signature: v=1; a=ed25519-sha256; "), "\(delivered)")
        #expect(Self.selectors(in: delivered) == [selector], "\(delivered)")
        let dkimpy = try dkimpyVerify(Data(delivered.utf8))
        #expect(dkimpy.verified, "\(dkimpy.log)")
        let openDKIM = try openDKIMVerify(Data(delivered.utf8))
        #expect(openDKIM.status == 0, "\(openDKIM.error)")
    }

    /// The `s=` tag of every DKIM-Signature field in `message`'s header.
    static func selectors(in message: String) -> [String] {
        let header = message.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n\t", with: " ")
            .replacingOccurrences(of: "\r\n ", with: " ")
        return header.components(separatedBy: "\r\n").filter { $0.lowercased().hasPrefix("dkim-signature:") }.compactMap { field in
            field.dropFirst("DKIM-Signature:".count).split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("s=") }.map { String($0.dropFirst(2)) }
        }
    }

    /// Local submission (`sendmail`, then `pickup` and `cleanup` with `non_smtpd_milters`): Postfix reports the client
    /// as 127.0.0.1, inside `--trusted-network 127.0.0.0/8`, so the message is signed; dkimpy verifies it.
    @Test func localSubmissionIsSigned() async throws {
        let keys = try Keys()
        let setup = try await MilterPostfixTests.Setup(options: ["--sign", "mail.test:s1:\(keys.s1)", "--trusted-network", "127.0.0.0/8"],
                                                       postfixSettings: ["non_smtpd_milters = $smtpd_milters"])
        defer { setup.stop() }
        let token = UUID().uuidString
        let message = MilterPostfixTests.message(from: "alice@mail.test", subject: "local \(token)")
        try setup.postfix.sendmail(Data(message.utf8), from: "alice@mail.test")
        let delivered = try #require(try await MilterPostfixTests.waitForMessage(containing: token), "\(setup.postfix.log())")
        #expect(Self.selectors(in: delivered) == ["s1"], "\(delivered)")
        let dkimpy = try dkimpyVerify(Data(delivered.utf8))
        #expect(dkimpy.verified, "\(dkimpy.log)")
    }

    /// The milter gone with `milter_default_action = accept`: Postfix delivers unchecked (no header); with the default
    /// `tempfail` (``MilterPostfixTests/stoppedMilterLeavesPostfixsDefault()``) it answers 451 4.7.1.
    @Test func stoppedMilterWithDefaultActionAcceptDelivers() async throws {
        let setup = try await MilterPostfixTests.Setup(postfixSettings: ["milter_default_action = accept"])
        defer { setup.stop() }
        setup.stopMilter()
        let token = UUID().uuidString
        let sent = try setup.send(MilterPostfixTests.message(from: "alice@mail.test", subject: "unchecked \(token)"), from: "alice@mail.test")
        #expect(sent.status == 0, "\(sent.transcript)\n\(setup.postfix.log())")
        let delivered = try #require(try await MilterPostfixTests.waitForMessage(containing: token), "\(setup.postfix.log())")
        #expect(!delivered.contains("Authentication-Results:"), "\(delivered)")
    }

    /// `--listen unix:PATH --socket-mode 660 --socket-group postfix`: the socket gets that mode and group, and Postfix's
    /// `smtpd` (user postfix) connects through it: a signed message is delivered with `dmarc=pass`.
    @Test func unixSocketModeAndGroupLetPostfixConnect() async throws {
        let setup = try await MilterPostfixTests.Setup(options: ["--socket-mode", "660", "--socket-group", "postfix"], socket: "milter.sock")
        defer { setup.stop() }
        let attributes = try FileManager.default.attributesOfItem(atPath: setup.folder.appendingPathComponent("milter.sock").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o660)
        #expect(attributes[.groupOwnerAccountName] as? String == "postfix")
        let token = UUID().uuidString
        let message = try setup.signed(MilterPostfixTests.message(from: "alice@mail.test", subject: "socket \(token)"))
        let sent = try setup.send(message, from: "alice@mail.test")
        #expect(sent.status == 0, "\(sent.transcript)\n\(setup.postfix.log())")
        let delivered = try #require(try await MilterPostfixTests.waitForMessage(containing: token), "\(setup.postfix.log())")
        #expect(delivered.hasPrefix("Authentication-Results: \(MilterPostfixTests.authservID); spf=fail smtp.mailfrom=alice@mail.test; "
                                    + "dkim=pass header.d=mail.test header.s=s1; dmarc=pass policy.dmarc=none header.from=mail.test\r\n"),
                "\(delivered)")
    }
}
