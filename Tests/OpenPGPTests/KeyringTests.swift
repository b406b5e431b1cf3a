import Foundation
import Testing
import TestSupport
@testable import OpenPGP

/// A keyring cut before each Public-Key packet (RFC 9580 §10.1) and read part by part, on every core.
@Suite("Keyring: read part by part")
struct KeyringTests {
    private static let marker = Packet(tag: .marker, body: Array("PGP".utf8))
    private static let key = Packet(tag: .publicKey, body: Build.keyV4(27, [UInt8](repeating: 3, count: 32)))
    /// A public key followed by a message packet: not a certificate (RFC 9580 §10.1).
    private static let keyThenLiteral = [key, Packet(tag: .literalData, body: [0x62, 0, 0, 0, 0, 0])].serialized
    /// A public key with one user ID over `OpenPGPLimits.maxUserIDs`.
    private static let crowded = ([key] + (0...OpenPGPLimits.maxUserIDs).map { Packet(tag: .userID, body: Array("u\($0)".utf8)) }).serialized

    @Test func everyCertificateInKeyringOrderAsGnuPGListsThem() throws {
        let f = try InteropFixture.get()
        let bytes = [Self.marker].serialized + f.alice + f.bob + f.carol + f.erin
        let expected = try GnuPGHome.showKeys(bytes).map(\.primary.fingerprint)
        #expect(expected.count == 4)
        let keyring = try Keyring(bytes: bytes)
        #expect(keyring.parts.map(\.count).first == 1)  // the marker packet, before the first public key
        #expect(keyring.parts.count == 5)
        #expect(try keyring.concurrentMap { $0.fingerprint.description } == expected)
        #expect(try keyring.certificates().map(\.fingerprint.description) == expected)
        #expect(try Certificate.readAll(bytes).map(\.fingerprint.description) == expected)
    }

    /// Workers finish in any order; the error reported is the first in the keyring, as a reader in order meets it.
    @Test func theFirstErrorInKeyringOrderIsThrown() throws {
        let alice = try InteropFixture.get().alice
        for _ in 0..<20 {
            #expect(throws: OpenPGPError.notACertificate) {
                try Keyring(bytes: alice + Self.keyThenLiteral + Self.crowded).concurrentMap { $0.fingerprint }
            }
            #expect(throws: OpenPGPError.tooManyComponents) {
                try Keyring(bytes: alice + Self.crowded + Self.keyThenLiteral).concurrentMap { $0.fingerprint }
            }
        }
        struct Refused: Error, Equatable {}
        let refusedFingerprint = try Certificate(bytes: alice).fingerprint
        #expect(throws: Refused()) {
            try Keyring(bytes: alice + alice).concurrentMap { if $0.fingerprint == refusedFingerprint { throw Refused() } }
        }
    }

    @Test func aKeyringWithoutAPublicKeyIsNotACertificate() throws {
        #expect(try Keyring(bytes: []).parts.isEmpty)
        #expect(throws: OpenPGPError.notACertificate) { try Keyring(bytes: [Self.marker, Self.marker].serialized).certificates() }
        #expect(throws: OpenPGPError.notACertificate) {
            try Keyring(bytes: [Self.marker].serialized).concurrentMap { $0.fingerprint }
        }
        #expect(throws: OpenPGPError.notACertificate) {
            try Keyring(bytes: [Packet(tag: .userID, body: Array("u".utf8)), Self.key].serialized).certificates()
        }
    }
}
