import Foundation
import TestSupport

/// Keys made by real GnuPG once per test run, shared by the directory tests.
final class DirectoryKeys: Sendable {
    let alice: [UInt8]
    let aliceFingerprint: String
    let aliceOld: [UInt8]
    let aliceOldFingerprint: String
    let bob: [UInt8]
    let bobFingerprint: String
    let carol: [UInt8]
    let carolFingerprint: String

    static let shared = Result { try DirectoryKeys() }

    private init() throws {
        let home = try GnuPGHome()
        defer { home.close() }
        // Alice: three user IDs; two are addresses of her account, one is Bob's alias.
        aliceFingerprint = try home.generateKey("Alice <alice@provider.test>")
        try home.gpg(["--quick-add-uid", aliceFingerprint, "Alice Alias <Alice.Alias@provider.test>"])
        try home.gpg(["--quick-add-uid", aliceFingerprint, "Not Alice <bob.alias@provider.test>"])
        alice = try home.export(aliceFingerprint)
        // Alice's previous key, revoked with the revocation certificate GnuPG wrote at generation.
        aliceOldFingerprint = try home.generateKey("Alice Old <alice@provider.test>", fakedTime: "20240101T000000!")
        let revocationFile = "\(home.path)/openpgp-revocs.d/\(aliceOldFingerprint).rev"
        let revocation = try String(contentsOfFile: revocationFile, encoding: .utf8)
            .replacingOccurrences(of: ":-----BEGIN PGP PUBLIC KEY BLOCK-----", with: "-----BEGIN PGP PUBLIC KEY BLOCK-----")
        try home.gpg(["--import"], input: Data(revocation.utf8))
        aliceOld = try home.export(aliceOldFingerprint)
        // Bob: one live user ID and one revoked.
        bobFingerprint = try home.generateKey("Bob <bob@provider.test>")
        try home.gpg(["--quick-add-uid", bobFingerprint, "Bob Old <bob-old@provider.test>"])
        try home.gpg(["--quick-revoke-uid", bobFingerprint, "Bob Old <bob-old@provider.test>"])
        bob = try home.export(bobFingerprint)
        // Carol: a key made on 2020-01-01 that expired a day later.
        carolFingerprint = try home.generateKey("Carol <carol@hosted.test>", expires: "1d", fakedTime: "20200101T000000!")
        carol = try home.export(carolFingerprint)
    }
}
