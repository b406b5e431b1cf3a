import Foundation
import KeyServer
import OpenPGP
import Store
import TestSupport

/// Keys made by real GnuPG once per test run.
final class KeyServerKeys: Sendable {
    /// Two user IDs: `alice@example.org` and `Alice@Work.Example`.
    let alice: [UInt8]
    let aliceFingerprint: String
    /// Alice's key after `--quick-add-key` of a signing subkey.
    let aliceUpdated: [UInt8]
    /// Alice's key with the encryption subkey of `aliceUpdated` too, made by a second `--quick-add-key`.
    let aliceUpdatedTwice: [UInt8]
    let aliceSecret: [UInt8]
    /// Another key claiming `alice@example.org` (one key per address).
    let mallory: [UInt8]
    let malloryFingerprint: String
    /// Revoked with its revocation certificate; user ID `carol@example.org`.
    let carolRevoked: [UInt8]
    let carolFingerprint: String
    /// `dave@example.org`, whose user ID `old@example.org` is revoked.
    let dave: [UInt8]

    static let shared = Result { try KeyServerKeys() }
    static func get() throws -> KeyServerKeys { try shared.get() }

    private init() throws {
        let home = try GnuPGHome()
        defer { home.close() }
        aliceFingerprint = try home.generateKey("Alice <alice@example.org>")
        try home.gpg(["--quick-add-uid", aliceFingerprint, "Alice Work <Alice@Work.Example>"])
        alice = try home.export(aliceFingerprint)
        aliceSecret = Array(try home.gpg(["--export-secret-keys", "--armor", aliceFingerprint]))
        try home.gpg(["--quick-add-key", aliceFingerprint, "ed25519", "sign", "0"])
        aliceUpdated = try home.export(aliceFingerprint)
        try home.gpg(["--quick-add-key", aliceFingerprint, "cv25519", "encr", "0"])
        aliceUpdatedTwice = try home.export(aliceFingerprint)
        malloryFingerprint = try home.generateKey("Mallory <alice@example.org>")
        mallory = try home.export(malloryFingerprint)
        carolFingerprint = try home.generateKey("Carol <carol@example.org>")
        let revocation = try String(contentsOfFile: "\(home.path)/openpgp-revocs.d/\(carolFingerprint).rev", encoding: .utf8)
            .replacingOccurrences(of: ":-----BEGIN PGP PUBLIC KEY BLOCK-----", with: "-----BEGIN PGP PUBLIC KEY BLOCK-----")
        try home.gpg(["--import"], input: Data(revocation.utf8))
        carolRevoked = try home.export(carolFingerprint)
        let d = try home.generateKey("Dave <dave@example.org>")
        try home.gpg(["--quick-add-uid", d, "Old <old@example.org>"])
        try home.gpg(["--quick-revoke-uid", d, "Old <old@example.org>"])
        dave = try home.export(d)
    }
}

/// A key server on a fresh SQLite database with a settable clock.
struct Harness {
    let path = temporaryDatabasePath()
    let store: SQLiteStore
    /// GnuPG dates each new signature at least a second after the key's previous one, so a fixture made in a burst
    /// has signatures a few seconds ahead of the wall clock; the key server's clock starts 10 s ahead.
    let clock = TestClock(Date().addingTimeInterval(10))
    let server: KeyServer

    init() throws {
        store = try SQLiteStore(path: path)
        let clock = self.clock
        server = KeyServer(store: store, secret: Array(repeating: 7, count: 32),
                           configuration: KeyServerConfiguration(baseURL: "https://keys.example.test", mailFrom: "keys@example.test"),
                           now: { clock.now })
    }

    func close() { removeDatabase(path) }

    /// Every queued message (due now or later).
    func outbox() async throws -> [OutgoingMailRecord] {
        try await store.dueMail(at: .distantFuture, limit: 1000)
    }

    /// The token in the newest mailed link of `kind` (`verify` or `manage`) to `recipient`.
    func token(_ kind: String, to recipient: String) async throws -> String? {
        let mails = try await outbox().filter { $0.recipient == recipient }
        guard let body = mails.last?.body, let range = body.range(of: "https://keys.example.test/\(kind)/") else { return nil }
        return String(body[range.upperBound...].prefix { !$0.isWhitespace })
    }

    func userIDs(_ bytes: [UInt8]?) throws -> [String] {
        guard let bytes else { return [] }
        return try Certificate(bytes: bytes).userIDs.map(\.userID.value)
    }
}
