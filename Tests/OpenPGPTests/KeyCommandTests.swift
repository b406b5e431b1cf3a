import Foundation
import TestSupport
import Testing
@testable import OpenPGP

/// Runs the built `stockade` executable (`stockade key …`), which `swift test` builds next to this test bundle.
@Suite struct KeyCommandTests {
    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    static func stockade(_ arguments: [String]) throws -> Output {
        let url = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("stockade")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw ToolMissing(tool: "the stockade executable at \(url.path) (run `swift build` first)")
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-key-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func inspectJSONOfTheRFCCertificate() throws {
        let file = try Self.temporaryFile(vector("rfc9580-a3-v6-certificate.asc"))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try Self.stockade(["key", "inspect", "--json", "--at", "2025-06-01T00:00:00Z", file])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]])
        #expect(json.count == 1)
        let cert = json[0]
        #expect(cert["fingerprint"] as? String == "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9")
        #expect(cert["version"] as? Int == 6)
        #expect(cert["keyID"] as? String == "CB186C4F0609A697")
        #expect(cert["algorithm"] as? String == "ed25519")
        #expect(cert["created"] as? String == "2022-11-30T16:08:03Z")
        #expect(cert["expires"] is NSNull)
        #expect(cert["revoked"] as? Bool == false)
        #expect((cert["userIDs"] as? [Any])?.isEmpty == true)
        let subkeys = try #require(cert["subkeys"] as? [[String: Any]])
        #expect(subkeys.count == 1)
        #expect(subkeys[0]["fingerprint"] as? String == "12C83F1E706F6308FE151A417743A1F033790E93E9978488D1DB378DA9930885")
        #expect(subkeys[0]["algorithm"] as? String == "x25519")
        #expect(subkeys[0]["flags"] as? String == "e")
        #expect(subkeys[0]["valid"] as? Bool == true)
    }

    @Test func inspectMinimizeAndMergeGnuPGCertificates() throws {
        let f = try InteropFixture.get()
        let alice = try Self.temporaryFile(f.alice)
        let early = try Self.temporaryFile(f.carolEarly)
        let late = try Self.temporaryFile(f.carol)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-key-out-\(UUID().uuidString)").path
        defer { for p in [alice, early, late, out] { try? FileManager.default.removeItem(atPath: p) } }

        let inspect = try Self.stockade(["key", "inspect", "--json", alice])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let cert = try #require((try JSONSerialization.jsonObject(with: inspect.stdout) as? [[String: Any]])?.first)
        let uids = try #require(cert["userIDs"] as? [[String: Any]])
        // GnuPG decides the order of user IDs in its export; compare by value.
        let byValue = Dictionary(uniqueKeysWithValues: uids.map { ($0["value"] as? String ?? "", $0) })
        #expect(Set(byValue.keys) == ["Alice <alice@example.org>", "Alice Work <Alice@Work.Example>", "Old <old@example.org>"])
        let order = ["Alice <alice@example.org>", "Alice Work <Alice@Work.Example>", "Old <old@example.org>"]
        #expect(order.map { byValue[$0]?["address"] as? String } == ["alice@example.org", "Alice@work.example", "old@example.org"])
        #expect(order.map { byValue[$0]?["valid"] as? Bool } == [true, true, false])
        #expect(order.map { byValue[$0]?["revoked"] as? Bool } == [false, false, true])
        #expect(order.map { byValue[$0]?["primary"] as? Bool } == [false, true, false])
        let subkeys = try #require(cert["subkeys"] as? [[String: Any]])
        #expect(subkeys.map { $0["flags"] as? String } == ["e", "s", "e"])
        #expect(subkeys.map { $0["valid"] as? Bool } == [false, true, true])

        let minimize = try Self.stockade(["key", "minimize", "--address", "alice@example.org", alice, "--armor", "-o", out])
        #expect(minimize.status == 0, "\(minimize.stderr)")
        let minimal = try Certificate(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: out))))
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self).hasPrefix("-----BEGIN PGP PUBLIC KEY BLOCK-----"))
        #expect(minimal.userIDs.map(\.userID.value) == ["Alice <alice@example.org>"])

        let merge = try Self.stockade(["key", "merge", early, late])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try Certificate(bytes: [UInt8](merge.stdout)) == (try Certificate(bytes: f.carolEarly).merged(with: Certificate(bytes: f.carol))))
    }

    @Test func validationAndErrors() throws {
        let f = try InteropFixture.get()
        let alice = try Self.temporaryFile(f.alice)
        let dave = try Self.temporaryFile(f.dave)
        defer { for p in [alice, dave] { try? FileManager.default.removeItem(atPath: p) } }
        let notAnAddress = try Self.stockade(["key", "minimize", "--address", "nobody", alice])
        #expect(notAnAddress.status == 64)
        #expect(notAnAddress.stderr.contains("'nobody' is not a mail address"))
        #expect(try Self.stockade(["key", "inspect"]).status == 64)
        #expect(try Self.stockade(["key", "inspect", "/nonexistent/cert.pgp"]).status == 64)
        let mismatch = try Self.stockade(["key", "merge", alice, dave])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains("certificates have different primary keys") || mismatch.stderr.contains("differ"))
        let noUID = try Self.stockade(["key", "minimize", "--address", "nobody@example.org", alice])
        #expect(noUID.status == 1)
    }
}
