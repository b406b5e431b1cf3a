import Foundation
import Testing
@testable import OpenPGP

@Suite struct LimitTests {
    @Test func limitValues() {
        #expect(OpenPGPLimits.maxInputBytes == 1_048_576)
        #expect(OpenPGPLimits.maxPackets == 10_000)
        #expect(OpenPGPLimits.maxEmbeddedSignatureDepth == 2)
    }

    @Test func inputOverOneMebibyteIsRefused() throws {
        let big = Packet(tag: .userID, body: [UInt8](repeating: 0x61, count: OpenPGPLimits.maxInputBytes)).serialized
        #expect(throws: OpenPGPError.tooLarge) { try Packet.parseAll(big) }
        // Just under the limit parses.
        let fits = Packet(tag: .userID, body: [UInt8](repeating: 0x61, count: OpenPGPLimits.maxInputBytes - 6)).serialized
        #expect(fits.count == OpenPGPLimits.maxInputBytes)
        #expect(try Packet.parseAll(fits).count == 1)
        let armored = String(repeating: "A", count: OpenPGPLimits.maxArmoredBytes + 1)
        #expect(throws: OpenPGPError.tooLarge) { try Armor.decode(armored) }
    }

    /// Item 9 of issue 3: a *certificate* over 1 MiB is refused; a keyring of many smaller ones is read whole.
    @Test func certificateOverOneMebibyteIsRefusedButLargerKeyringsAreRead() throws {
        let key = Packet(tag: .publicKey, body: Build.keyV4(27, [UInt8](repeating: 3, count: 32)))
        let huge = [key, Packet(tag: .userID, body: [UInt8](repeating: 0x61, count: OpenPGPLimits.maxInputBytes))].serialized
        #expect(throws: OpenPGPError.tooLarge) { try Certificate.readAll(huge) }
        // Twelve certificates of about 100 KiB: 1.2 MiB in all, each well under the limit.
        let one = [key, Packet(tag: .userID, body: [UInt8](repeating: 0x62, count: 100 * 1024))].serialized
        let keyring = Array([[UInt8]](repeating: one, count: 12).joined())
        #expect(keyring.count > OpenPGPLimits.maxInputBytes)
        #expect(try Certificate.readAll(keyring).count == 12)
        // A certificate over its component limit is refused even inside a keyring (issue 13 replaced the per-certificate
        // packet count, which the component and signature caps keep under 10 000, by those caps: BoundsTests).
        let crowded = ([key] + (0...OpenPGPLimits.maxUserIDs).map { Packet(tag: .userID, body: Array("u\($0)".utf8)) }).serialized
        #expect(throws: OpenPGPError.tooManyComponents) { try Certificate.readAll(one + crowded) }
        #expect(throws: OpenPGPError.tooLarge) { try Certificate.readAll([UInt8](repeating: 0, count: OpenPGPLimits.maxKeyringBytes + 1)) }
    }

    @Test func tooManyPackets() throws {
        let marker = Packet(tag: .marker, body: Array("PGP".utf8)).serialized
        let exactly = Array([[UInt8]](repeating: marker, count: OpenPGPLimits.maxPackets).joined())
        #expect(try Packet.parseAll(exactly).count == OpenPGPLimits.maxPackets)
        #expect(throws: OpenPGPError.tooManyPackets) { try Packet.parseAll(exactly + marker) }
    }

    @Test func embeddedSignatureNesting() throws {
        func nested(_ depth: Int) -> [UInt8] {
            var sig = Build.sigV4(type: 0x19, hashed: Build.subpacket(2, Build.u32(1)))
            for _ in 0..<depth {
                sig = Build.sigV4(type: 0x18, hashed: Build.subpacket(2, Build.u32(1)) + Build.subpacket(32, sig))
            }
            return sig
        }
        #expect(try SignaturePacket(packet: Packet(tag: .signature, body: nested(OpenPGPLimits.maxEmbeddedSignatureDepth))).embeddedSignatures.count == 1)
        #expect(throws: OpenPGPError.nestingTooDeep) {
            try SignaturePacket(packet: Packet(tag: .signature, body: nested(OpenPGPLimits.maxEmbeddedSignatureDepth + 1)))
        }
        // Deep nesting inside a certificate is a typed error too.
        let key = Packet(tag: .publicKey, body: Build.keyV4(27, [UInt8](repeating: 3, count: 32)))
        #expect(throws: OpenPGPError.nestingTooDeep) {
            try Certificate.readAll([key, Packet(tag: .signature, body: nested(50))].serialized)
        }
    }
}
