import Foundation
import TestSupport
import VKS
import Testing

/// `stockade verify` on detached signatures made by real GnuPG.
@Suite("stockade verify: detached signatures by gpg")
struct VerifyCommandTests {
    /// A GnuPG home with a key, its public key in a file, and a document with LF line endings.
    struct Signer {
        let home: GnuPGHome
        let fingerprint: String
        let keyFile: String
        let document: String

        init(userID: String = "Signer <signer@example.org>") throws {
            home = try GnuPGHome()
            fingerprint = try home.generateKey(userID)
            keyFile = try home.write(home.export(fingerprint), name: "signer.pgp")
            document = try home.write(Array("first line\nsecond line\n".utf8), name: "document.txt")
        }

        /// Signs the document with `options` (e.g. `--armor`, `--textmode`) and returns the signature's path.
        func sign(_ options: [String], name: String = "document.sig") throws -> String {
            let signature = "\(home.path)/\(name)"
            try home.gpg(["--detach-sign", "--local-user", fingerprint, "--output", signature] + options + [document])
            return signature
        }

        func export(name: String) throws -> String { try home.write(home.export(fingerprint), name: name) }
    }

    static func verify(_ arguments: [String]) throws -> (status: Int32, report: [String: Any]) {
        let result = try CLI.run(["verify", "--json"] + arguments)
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]], "\(result.error)")
        try #require(reports.count == 1)
        return (result.status, reports[0])
    }

    @Test(arguments: [([], "binary"), (["--armor"], "binary"), (["--textmode"], "text"), (["--textmode", "--armor"], "text")])
    func gpgSignaturesVerifyAndAModifiedFileFails(options: [String], type: String) throws {
        let signer = try Signer()
        defer { signer.home.close() }
        let signature = try signer.sign(options)
        let good = try Self.verify(["--signature", signature, signer.document, "--key", signer.keyFile])
        #expect(good.status == 0)
        #expect(good.report["verdict"] as? String == "valid")
        #expect(good.report["certificate"] as? String == signer.fingerprint)
        #expect(good.report["signingKey"] as? String == signer.fingerprint)
        #expect(good.report["type"] as? String == type)

        _ = try signer.home.write(Array("first line\nsecond line, changed\n".utf8), name: "document.txt")
        let bad = try Self.verify(["--signature", signature, signer.document, "--key", signer.keyFile])
        #expect(bad.status == 1)
        #expect(bad.report["verdict"] as? String == "invalid")
    }

    @Test func aSigningSubkeyIsNamedAsTheSigner() throws {
        let signer = try Signer()
        defer { signer.home.close() }
        try signer.home.gpg(["--quick-add-key", signer.fingerprint, "ed25519", "sign", "0"])
        let subkey = String(decoding: try signer.home.gpg(["--with-colons", "--list-keys", signer.fingerprint]), as: UTF8.self)
            .split(separator: "\n").filter { $0.hasPrefix("fpr:") }.map { String($0.split(separator: ":", omittingEmptySubsequences: false)[9]) }.last
        let signature = "\(signer.home.path)/sub.sig"
        try signer.home.gpg(["--detach-sign", "--local-user", try #require(subkey) + "!", "--output", signature, signer.document])
        let good = try Self.verify(["--signature", signature, signer.document, "--key", try signer.export(name: "with-subkey.pgp")])
        #expect(good.status == 0)
        #expect(good.report["signingKey"] as? String == subkey)
        #expect(good.report["certificate"] as? String == signer.fingerprint)
    }

    @Test func aRevokedKeyIsReported() throws {
        let signer = try Signer()
        defer { signer.home.close() }
        let signature = try signer.sign([])
        let revocation = try String(contentsOfFile: "\(signer.home.path)/openpgp-revocs.d/\(signer.fingerprint).rev", encoding: .utf8)
            .replacingOccurrences(of: ":-----BEGIN PGP PUBLIC KEY BLOCK-----", with: "-----BEGIN PGP PUBLIC KEY BLOCK-----")
        try signer.home.gpg(["--import"], input: Data(revocation.utf8))
        let revoked = try Self.verify(["--signature", signature, signer.document, "--key", try signer.export(name: "revoked.pgp")])
        #expect(revoked.status == 1)
        #expect(revoked.report["verdict"] as? String == "unusable-key")
        #expect((revoked.report["reason"] as? String)?.contains("revoked") == true, "\(revoked.report)")
    }

    @Test func aSignatureByAnotherKeyIsUnknown() throws {
        let signer = try Signer()
        let other = try Signer(userID: "Other <other@example.org>")
        defer { signer.home.close(); other.home.close() }
        let signature = try signer.sign([])
        let unknown = try Self.verify(["--signature", signature, signer.document, "--key", other.keyFile])
        #expect(unknown.status == 1)
        #expect(unknown.report["verdict"] as? String == "unknown-key")
        #expect((unknown.report["reason"] as? String)?.contains(signer.fingerprint) == true, "\(unknown.report)")
    }

    @Test func withoutKeyTheSignerIsFetchedFromTheKeyServer() async throws {
        let world = try await KeyServerWorld.startTLS(userIDs: ["Alice <alice@provider.web.test>"])
        defer { world.close() }
        // Published with its address: a key served without any user ID has no self-signature to make it valid.
        let (vks, _) = try VKSClientTests.clients(world)
        let started = Date()
        let upload = try await vks.upload(try world.armoredKey())
        _ = try await vks.requestVerify(token: upload.token, addresses: ["alice@provider.web.test"])
        try await VKSClientTests.confirm(world, "alice@provider.web.test", after: started)
        let document = try world.home.write(Array("release\n".utf8), name: "release.txt")
        let signature = "\(world.home.path)/release.sig"
        try world.home.gpg(["--detach-sign", "--armor", "--local-user", world.fingerprint, "--output", signature, document])
        let options = try LookupCommandTests.keyServer(world)
        let good = try Self.verify(["--signature", signature, document] + options)
        #expect(good.status == 0, "\(good.report)")
        #expect(good.report["verdict"] as? String == "valid")
        #expect(good.report["certificate"] as? String == world.fingerprint)

        let stranger = try Signer(userID: "Stranger <stranger@example.org>")
        defer { stranger.home.close() }
        let unknown = try Self.verify(["--signature", try stranger.sign([]), stranger.document] + options)
        #expect(unknown.status == 1)
        #expect(unknown.report["verdict"] as? String == "unknown-key")
    }
}
