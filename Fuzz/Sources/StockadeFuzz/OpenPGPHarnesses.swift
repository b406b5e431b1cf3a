import struct Foundation.Date
@testable import OpenPGP

/// `Packet.parseAll`, the first layer under every OpenPGP reader (RFC 9580 §4), and the typed packets read from it.
enum OpenPGPPacketHarness {
    static func run(_ input: [UInt8]) {
        let packets: [Packet]
        do {
            packets = try Packet.parseAll(input)
        } catch is OpenPGPError {
            return
        } catch {
            unexpected(error, "Packet.parseAll")
        }
        require(packets.count <= OpenPGPLimits.maxPackets, "\(packets.count) packets accepted")
        require(packets.reduce(0) { $0 + $1.body.count } <= input.count, "packet bodies longer than the input")

        // Parse → serialize (current format) → parse: the same tags and bodies, and a stable encoding.
        let serialized = packets.serialized
        let again: [Packet]
        do {
            again = try Packet.parseAll(serialized, maximumBytes: .max)
        } catch {
            fatalError("serialized packets do not parse: \(error); input \(input.hex)")
        }
        require(again.map(\.tag) == packets.map(\.tag) && again.map(\.body) == packets.map(\.body),
                "parse → serialize → parse changed the packets; input \(input.hex)")
        require(again.allSatisfy { $0.headerFormat == .current }, "serialization wrote a legacy header")
        require(again.serialized == serialized, "serialization is not stable")

        // Typed packets keep the bytes they were read from (they are what signatures hash).
        for packet in packets {
            do {
                switch packet.tag {
                case .signature:
                    let signature = try SignaturePacket(packet: packet)
                    require(signature.packet == Packet(tag: .signature, body: packet.body), "a signature changed its bytes")
                    require(signature.hashedPart.count <= packet.body.count, "hashed part longer than the body")
                case .publicKey, .publicSubkey:
                    let key = try PublicKeyPacket(packet: packet)
                    require(key.packet == Packet(tag: packet.tag, body: packet.body), "a key changed its bytes")
                    _ = key.fingerprint
                case .userID:
                    let userID = try UserIDPacket(packet: packet)
                    require(userID.packet == Packet(tag: .userID, body: packet.body), "a user ID changed its bytes")
                    _ = userID.address
                default:
                    continue
                }
            } catch is OpenPGPError {
                continue
            } catch {
                unexpected(error, "typed packet \(packet.tag)")
            }
        }
    }
}

/// `Armor.decode` (RFC 9580 §6): the text of key uploads and WKD/VKS answers.
enum OpenPGPArmorHarness {
    static func run(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        let blocks: [ArmorBlock]
        do {
            blocks = try Armor.decode(text)
        } catch is OpenPGPError {
            return
        } catch {
            unexpected(error, "Armor.decode")
        }
        require(blocks.reduce(0) { $0 + $1.data.count } <= input.count, "decoded more octets than the text has")
        for block in blocks {
            // Decode → encode → decode: one block with the same kind, headers and data, and a valid checksum.
            let armored = Armor.encode(block.data, kind: block.kind, headers: block.headers, includeChecksum: true)
            let again: [ArmorBlock]
            do {
                again = try Armor.decode(armored, maximumBytes: .max)
            } catch {
                fatalError("re-encoded armor does not decode: \(error); input \(input.hex)")
            }
            require(again == [ArmorBlock(kind: block.kind, headers: block.headers, data: block.data, checksum: .valid)],
                    "armor decode → encode → decode changed the block; input \(input.hex)")
            if block.checksum == .valid { _ = Armor.crc24(block.data) }
        }
    }
}

/// `Certificate.readAll`: key uploads, WKD and VKS answers, keyrings (RFC 9580 §10.1), with the limits of
/// `OpenPGPLimits` that bound the work one certificate can ask for.
enum OpenPGPCertificateHarness {
    static let time = Date(timeIntervalSince1970: 1_750_000_000)

    static func run(_ input: [UInt8]) {
        let certificates: [Certificate]
        do {
            certificates = try Certificate.readAll(input)
        } catch is OpenPGPError {
            return
        } catch {
            unexpected(error, "Certificate.readAll")
        }
        require(!certificates.isEmpty, "readAll accepted an input without certificates")
        for certificate in certificates {
            checkLimits(certificate, "read")
            // Binary and armored round trips: the same certificate.
            for encoding in [certificate.serialized, Array(certificate.armored().utf8)] {
                do {
                    let again = try Certificate.readAll(encoding)
                    require(again == [certificate], "certificate round trip changed it; input \(input.hex)")
                } catch {
                    fatalError("a certificate's own encoding is refused: \(error); input \(input.hex)")
                }
            }
            // Verification and merging: merging with itself stays within the limits, and merging is idempotent.
            _ = certificate.status(at: time)
            do {
                let merged = try certificate.merged(with: certificate)
                checkLimits(merged, "merged")
                let twice = try merged.merged(with: merged)
                require(twice == merged, "merge is not idempotent; input \(input.hex)")
                _ = try? merged.minimized(for: "fuzz@example.org", at: time)
            } catch is OpenPGPError {
                continue
            } catch {
                unexpected(error, "Certificate.merged")
            }
        }
    }

    static func checkLimits(_ certificate: Certificate, _ what: String) {
        require(certificate.userIDs.count <= OpenPGPLimits.maxUserIDs, "\(what): \(certificate.userIDs.count) user IDs")
        require(certificate.userAttributes.count <= OpenPGPLimits.maxUserAttributes,
                "\(what): \(certificate.userAttributes.count) user attributes")
        require(certificate.subkeys.count <= OpenPGPLimits.maxSubkeys, "\(what): \(certificate.subkeys.count) subkeys")
        require(Set(certificate.userIDs.map(\.userID)).count == certificate.userIDs.count, "\(what): a repeated user ID")
        require(Set(certificate.subkeys.map(\.key.body)).count == certificate.subkeys.count, "\(what): a repeated subkey")
        var selfSignatures = 0
        for list in certificate.signatureLists {
            require(Set(list.map(\.body)).count == list.count, "\(what): a repeated signature")
            let own = list.count { $0.mayBeIssued(by: certificate.primaryKey) }
            require(own <= OpenPGPLimits.maxSelfSignaturesPerComponent, "\(what): \(own) self-signatures on one component")
            require(list.count - own <= OpenPGPLimits.maxThirdPartySignaturesPerComponent,
                    "\(what): \(list.count - own) third-party signatures on one component")
            selfSignatures += own
        }
        require(selfSignatures <= OpenPGPLimits.maxSelfSignatures, "\(what): \(selfSignatures) self-signatures")
        require(certificate.serialized.count <= OpenPGPLimits.maxInputBytes, "\(what): \(certificate.serialized.count) octets")
    }
}
