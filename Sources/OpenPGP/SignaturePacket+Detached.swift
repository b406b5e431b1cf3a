extension SignaturePacket {
    /// The most bytes read as a detached signature (one signature is well under 2 KiB; a few thousand are plenty).
    public static let maximumDetachedBytes = 1 << 20

    /// Reads a detached signature (RFC 9580 §10.4, the output of `gpg --detach-sign`), binary or in a
    /// `BEGIN PGP SIGNATURE` armor block (§6.2): one or more Signature packets and nothing else.
    /// - Throws: ``OpenPGPError/notASignature`` for other armor blocks or packets, or no signature; parse errors
    ///   (``OpenPGPError/truncated``, ``OpenPGPError/tooLarge``, …) as they occur.
    public static func readDetached(_ bytes: [UInt8]) throws -> [SignaturePacket] {
        var binary = bytes
        if Armor.isArmored(bytes) {
            let blocks = try Armor.decode(String(decoding: bytes, as: UTF8.self), maximumBytes: maximumDetachedBytes * 3 / 2)
            guard blocks.count == 1, let block = blocks.first, block.kind == .signature else {
                throw OpenPGPError.notASignature.with("expected one armored PGP SIGNATURE block")
            }
            binary = block.data
        }
        let packets = try Packet.parseAll(binary, maximumBytes: maximumDetachedBytes)
        guard !packets.isEmpty else { throw OpenPGPError.notASignature.with("no packet") }
        return try packets.map { packet in
            guard packet.tag == .signature else {
                throw OpenPGPError.notASignature.with("packet tag \(packet.tag.rawValue) in a detached signature")
            }
            return try SignaturePacket(packet: packet)
        }
    }
}
