import Foundation
import TestSupport
import Testing
@testable import OpenPGP

extension GnuPGHome {
    /// `gpg --with-colons --show-keys` of `bytes`, in a fresh home of its own.
    static func showKeys(_ bytes: [UInt8]) throws -> [GPGListing] {
        let home = try GnuPGHome()
        defer { home.close() }
        let file = try home.write(bytes, name: "show.pgp")
        return GPGListing.parse(String(decoding: try home.gpg(["--with-colons", "--show-keys", file]), as: UTF8.self))
    }

    /// Imports `bytes` into a fresh home and returns `gpg --with-colons --list-keys`.
    static func importAndList(_ bytes: [UInt8]) throws -> [GPGListing] {
        let home = try GnuPGHome()
        defer { home.close() }
        let file = try home.write(bytes, name: "import.pgp")
        try home.gpg(["--import", file])
        return GPGListing.parse(String(decoding: try home.gpg(["--with-colons", "--list-keys"]), as: UTF8.self))
    }
}

/// One certificate as `gpg --with-colons` lists it (fields per GnuPG's doc/DETAILS).
struct GPGListing: Sendable {
    struct Key: Sendable {
        var validity: String
        var keyID: String
        var created: String
        var expires: String
        var capabilities: String
        var fingerprint = ""
    }
    struct UID: Sendable {
        var validity: String
        var value: String
    }
    var primary: Key
    var uids: [UID] = []
    var subkeys: [Key] = []

    static func parse(_ text: String) -> [GPGListing] {
        var out: [GPGListing] = []
        var lastWasSub = false
        for line in text.split(separator: "\n") {
            let f = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard f.count > 9 else { continue }
            func key() -> Key { Key(validity: f[1], keyID: f[4], created: f[5], expires: f[6], capabilities: f.count > 11 ? f[11] : "") }
            switch f[0] {
            case "pub":
                out.append(GPGListing(primary: key()))
                lastWasSub = false
            case "sub":
                out[out.count - 1].subkeys.append(key())
                lastWasSub = true
            case "fpr":
                if lastWasSub {
                    out[out.count - 1].subkeys[out[out.count - 1].subkeys.count - 1].fingerprint = f[9]
                } else if out[out.count - 1].primary.fingerprint.isEmpty {
                    out[out.count - 1].primary.fingerprint = f[9]
                }
            case "uid":
                out[out.count - 1].uids.append(UID(validity: f[1], value: f[9].replacingOccurrences(of: "\\x3a", with: ":")))
            default:
                break
            }
        }
        return out
    }
}

/// Certificates made once per test run by GnuPG 2.2 and Sequoia sq 0.27.
struct InteropFixture: Sendable {
    /// Ed25519 primary (created 2020-01-01 with faked time) with: an encryption subkey that expired
    /// 2021-01-01, a signing subkey (back-signature), a current cv25519 subkey, three user IDs of which
    /// `Old <old@example.org>` is revoked.
    var alice: [UInt8]
    var aliceSecret: [UInt8]
    /// RSA-3072, revoked with its generated revocation certificate.
    var bob: [UInt8]
    /// NIST P-256 primary, P-384 ECDSA signing subkey, P-256 ECDH subkey, expiration set with
    /// --quick-set-expire, certified by Alice (third-party certification).
    var carol: [UInt8]
    /// Carol exported right after generation, before subkeys, expiration and Alice's certification.
    var carolEarly: [UInt8]
    /// RSA-2048 made in 2021 with an expiration of 2021-06-01: expired.
    var erin: [UInt8]
    /// DSA-2048 (GnuPG's `dsa2048`), verified with the library's own DSA code.
    var frank: [UInt8]
    /// NIST P-521 primary with a P-521 ECDH subkey.
    var grace: [UInt8]
    /// RSA-2048 whose self-signatures use SHA-224 (`--cert-digest-algo SHA224`), plus an RSA signing subkey.
    var heidi: [UInt8]
    /// Made by `sq key generate` with two user IDs; `daveSecret` is the key, `dave` the certificate.
    var dave: [UInt8]
    var daveSecret: [UInt8]

    static let shared: Result<InteropFixture, any Error> = Result { try InteropFixture.make() }

    static func get() throws -> InteropFixture { try shared.get() }

    private static func make() throws -> InteropFixture {
        _ = try locateTool("gpg")
        _ = try locateTool("gpgconf")
        _ = try locateTool("sq")
        let home = try GnuPGHome()
        defer { home.close() }
        func fingerprint(_ query: String) throws -> String {
            let listing = GPGListing.parse(String(decoding: try home.gpg(["--with-colons", "--list-keys", query]), as: UTF8.self))
            return listing[0].primary.fingerprint
        }
        func export(_ fpr: String) throws -> [UInt8] { [UInt8](try home.gpg(["--export", fpr])) }

        let past = "20200101T000000!"  // frozen: each gpg process starts at the same instant, so no "time conflict"
        try home.gpg(["--quick-gen-key", "Alice <alice@example.org>", "ed25519", "cert", "0"], fakedTime: past)
        let a = try fingerprint("alice@example.org")
        try home.gpg(["--quick-add-key", a, "cv25519", "encr", "1y"], fakedTime: past)
        try home.gpg(["--quick-add-key", a, "ed25519", "sign", "0"], fakedTime: past)
        try home.gpg(["--quick-add-uid", a, "Alice Work <Alice@Work.Example>"])
        try home.gpg(["--quick-add-uid", a, "Old <old@example.org>"])
        try home.gpg(["--quick-revoke-uid", a, "Old <old@example.org>"])
        try home.gpg(["--quick-add-key", a, "cv25519", "encr", "0"])

        try home.gpg(["--quick-gen-key", "Bob <bob@example.net>", "rsa3072", "default", "0"])
        let b = try fingerprint("bob@example.net")
        let revocation = try String(contentsOfFile: "\(home.path)/openpgp-revocs.d/\(b).rev", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? $0.dropFirst() : $0 }
            .joined(separator: "\n")
        try home.gpg(["--import", try home.write(Array(revocation.utf8), name: "bob.rev")])

        try home.gpg(["--quick-gen-key", "Carol <carol@example.com>", "nistp256", "default", "0"])
        let c = try fingerprint("carol@example.com")
        let carolEarly = try export(c)
        try home.gpg(["--quick-add-key", c, "nistp384/ecdsa", "sign", "0"])
        try home.gpg(["--quick-add-key", c, "nistp256", "encr", "0"])
        try home.gpg(["--quick-set-expire", c, "2y"])
        try home.gpg(["-u", a, "--quick-sign-key", c])

        try home.gpg(["--quick-gen-key", "Erin <erin@example.org>", "rsa2048", "default", "2021-06-01"],
                     fakedTime: "20210101T000000!")
        let e = try fingerprint("erin@example.org")

        try home.gpg(["--quick-gen-key", "Frank <frank@example.org>", "dsa2048", "default", "0"])
        let frank = try export(try fingerprint("frank@example.org"))

        try home.gpg(["--quick-gen-key", "Grace <grace@example.org>", "nistp521", "default", "0"])
        let g = try fingerprint("grace@example.org")
        try home.gpg(["--quick-add-key", g, "nistp521", "encr", "0"])
        let grace = try export(g)

        try home.gpg(["--cert-digest-algo", "SHA224", "--quick-gen-key", "Heidi <heidi@example.org>", "rsa2048", "default", "0"])
        let h = try fingerprint("heidi@example.org")
        try home.gpg(["--cert-digest-algo", "SHA224", "--quick-add-key", h, "rsa2048", "sign", "0"])
        let heidi = try export(h)

        let keyFile = "\(home.path)/dave.key"
        try runTool("sq", ["key", "generate", "--userid", "Dave <dave@example.org>", "--userid", "dave@example.net",
                       "--export", keyFile])
        let daveSecret = [UInt8](try Data(contentsOf: URL(fileURLWithPath: keyFile)))
        let dave = [UInt8](try runTool("sq", ["key", "extract-cert", keyFile]))

        return InteropFixture(alice: try export(a), aliceSecret: [UInt8](try home.gpg(["--export-secret-keys", a])),
                              bob: try export(b), carol: try export(c), carolEarly: carolEarly,
                              erin: try export(e), frank: frank, grace: grace, heidi: heidi, dave: dave, daveSecret: daveSecret)
    }
}
