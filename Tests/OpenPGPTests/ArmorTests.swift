import Foundation
import Testing
@testable import OpenPGP

@Suite struct ArmorTests {
    @Test func crc24KnownValues() {
        #expect(Armor.crc24([]) == 0xB704CE)
        // RFC 9580 §6.1.1 CRC-24 of "123456789" (CRC-24/OPENPGP check value).
        #expect(Armor.crc24(Array("123456789".utf8)) == 0x21CF02)
    }

    @Test func decodeWithHeadersAndChecksum() throws {
        let data: [UInt8] = Array(0..<100)
        let text = Armor.encode(data, kind: .publicKey, headers: [ArmorHeader(key: "Comment", value: "hello: world")], includeChecksum: true)
        #expect(text.hasPrefix("-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: hello: world\n\n"))
        #expect(text.hasSuffix("\n-----END PGP PUBLIC KEY BLOCK-----\n"))
        let lines = text.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 64 })
        #expect(lines.contains { $0.hasPrefix("=") && $0.count == 5 })
        let blocks = try Armor.decode(text)
        #expect(blocks == [ArmorBlock(kind: .publicKey, headers: [ArmorHeader(key: "Comment", value: "hello: world")], data: data, checksum: .valid)])
    }

    @Test func decodeWithoutChecksumAndWithWrongChecksum() throws {
        let data: [UInt8] = Array("OpenPGP".utf8)
        let plain = Armor.encode(data, kind: .signature, includeChecksum: false)
        #expect(!plain.contains("\n="))
        #expect(try Armor.decode(plain) == [ArmorBlock(kind: .signature, data: data, checksum: .absent)])
        // A wrong CRC does not reject the data (RFC 9580 §6.1).
        var lines = Armor.encode(data, kind: .signature, includeChecksum: true).split(separator: "\n").map(String.init)
        let crcIndex = try #require(lines.firstIndex { $0.hasPrefix("=") })
        lines[crcIndex] = "=AAAA"
        let blocks = try Armor.decode(lines.joined(separator: "\n"))
        #expect(blocks.map(\.data) == [data])
        #expect(blocks.map(\.checksum) == [.mismatch])
    }

    @Test func severalBlocksCRLFAndSurroundingText() throws {
        let a = Armor.encode([1, 2, 3], kind: .publicKey, includeChecksum: true)
        let b = Armor.encode([4, 5, 6, 7], kind: .message, includeChecksum: false)
        let text = ("Some mail text\r\n" + a + "\nmore text\n" + b).replacingOccurrences(of: "\n", with: "\r\n")
        let blocks = try Armor.decode(text)
        #expect(blocks.map(\.data) == [[1, 2, 3], [4, 5, 6, 7]])
        #expect(blocks.map(\.kind) == [.publicKey, .message])
        #expect(Armor.isArmored(Array(text.utf8)))
        #expect(!Armor.isArmored([0x99, 0x01, 0x0D]))
        #expect(try Armor.decode("no armor here") == [])
    }

    @Test func otherKindsAndErrors() throws {
        let other = Armor.encode([9], kind: .other("ARMORED FILE"), includeChecksum: false)
        #expect(try Armor.decode(other).first?.kind == .other("ARMORED FILE"))
        #expect(try Armor.decode(Armor.encode([9], kind: .privateKey, includeChecksum: false)).first?.kind == .privateKey)
        #expect(throws: OpenPGPError.invalidArmor) { try Armor.decode("-----BEGIN PGP MESSAGE-----\n\nAAAA\n") }
        #expect(throws: OpenPGPError.invalidArmor) { try Armor.decode("-----BEGIN PGP MESSAGE-----\n\nA*AA\n-----END PGP MESSAGE-----\n") }
        #expect(throws: OpenPGPError.invalidArmor) { try Armor.decode("-----BEGIN PGP MESSAGE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n") }
        // An armored private key where a certificate is expected is refused with a typed error.
        #expect(throws: OpenPGPError.secretKeyMaterial) {
            try Certificate.readAll(Array(Armor.encode([0xC5, 0], kind: .privateKey, includeChecksum: false).utf8))
        }
        #expect(throws: OpenPGPError.notACertificate) {
            try Certificate.readAll(Array(Armor.encode([0xC2, 0], kind: .signature, includeChecksum: false).utf8))
        }
    }

    @Test func certificateArmorChecksumByVersion() throws {
        let v6 = try Certificate(bytes: vector("rfc9580-a3-v6-certificate.asc"))
        #expect(!v6.armored().contains("\n="))
        let v4 = try Certificate(bytes: vector("rfc9580-a1-v4-ed25519-legacy-key.asc"))
        let text = v4.armored(headers: [ArmorHeader(key: "Comment", value: "x")])
        #expect(text.contains("\n="))
        #expect(try Armor.decode(text).first?.checksum == .valid)
        #expect(try Certificate(bytes: Array(text.utf8)) == v4)
    }
}
