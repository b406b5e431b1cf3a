import Crypto
import _CryptoExtras

/// A public key from a key record's `p=`, ready to verify (RFC 6376 §3.6.1, RFC 8463 §4, RFC 8301 §3.2).
///
/// RSA keys are SubjectPublicKeyInfo DER as RFC 6376 §3.6.1 says; a bare PKCS#1 RSAPublicKey, which some publishers
/// use, is accepted too (BoringSSL reads either, as OpenDKIM and dkimpy do). Ed25519 keys are the 32 raw octets.
struct DKIMPublicKey: Sendable {
    enum Backing: Sendable {
        case rsa(_RSA.Signing.PublicKey)
        /// The 32 octets, checked to be a key; `Curve25519.Signing.PublicKey` is not `Sendable`, and making one from
        /// them costs a copy.
        case ed25519([UInt8])
    }

    let backing: Backing

    /// The key of type `keyType` (`rsa` or `ed25519`) from the decoded `p=` octets.
    init(keyType: String, data: [UInt8]) throws(KeyRecordError) {
        switch keyType {
        case "rsa":
            let bits = RSAModulus.bits(der: data)
            if let bits, bits < DKIMLimits.minimumRSAKeyBits {
                throw KeyRecordError("RSA key of \(bits) bits is shorter than \(DKIMLimits.minimumRSAKeyBits) (RFC 8301 §3.2)")
            }
            if let bits, bits > DKIMLimits.maximumRSAKeyBits {
                throw KeyRecordError("RSA key of \(bits) bits is longer than \(DKIMLimits.maximumRSAKeyBits)")
            }
            do {
                backing = .rsa(try _RSA.Signing.PublicKey(unsafeDERRepresentation: data))
            } catch {
                throw KeyRecordError("key record p= is not an RSA public key (RFC 6376 §3.6.1)")
            }
        case "ed25519":
            guard data.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: data)) != nil else {
                throw KeyRecordError("key record p= is not a 32-octet Ed25519 public key (RFC 8463 §4)")
            }
            backing = .ed25519(data)
        default:
            throw KeyRecordError("unknown key type k=\(keyType) (RFC 6376 §6.1.2)")
        }
    }

    /// Whether `signature` signs the SHA-256 `digest` of the header hash input (RFC 6376 §3.7, RFC 8463 §3).
    func isValid(signature: [UInt8], digest: SHA256.Digest) -> Bool {
        switch backing {
        case .rsa(let key):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: .insecurePKCS1v1_5)
        case .ed25519(let octets):
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: octets) else { return false }
            return key.isValidSignature(signature, for: Array(digest))
        }
    }
}

/// The size of an RSA modulus read from DER, so a short key can be refused with its size in the reason.
enum RSAModulus {
    /// The modulus bits of a SubjectPublicKeyInfo or PKCS#1 RSAPublicKey; nil when the DER is neither.
    static func bits(der: [UInt8]) -> Int? {
        var reader = DERReader(bytes: der[...])
        guard var outer = reader.read(tag: 0x30) else { return nil }
        if var algorithm = outer.read(tag: 0x30) {  // SubjectPublicKeyInfo
            _ = algorithm.read(tag: 0x06)
            guard let bitString = outer.read(tag: 0x03), bitString.bytes.first == 0 else { return nil }
            var inner = DERReader(bytes: bitString.bytes.dropFirst())
            guard var sequence = inner.read(tag: 0x30) else { return nil }
            return sequence.read(tag: 0x02).map { modulusBits($0.bytes) }
        }
        return outer.read(tag: 0x02).map { modulusBits($0.bytes) }  // RSAPublicKey
    }

    private static func modulusBits(_ integer: ArraySlice<UInt8>) -> Int {
        let significant = integer.drop { $0 == 0 }
        guard let first = significant.first else { return 0 }
        return (significant.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }

    /// Just enough DER to walk to the modulus: definite lengths, at most 4 length octets.
    struct DERReader {
        var bytes: ArraySlice<UInt8>

        mutating func read(tag: UInt8) -> DERReader? {
            guard bytes.count >= 2, bytes.first == tag else { return nil }
            var index = bytes.startIndex + 1
            var length = Int(bytes[index])
            index += 1
            if length & 0x80 != 0 {
                let count = length & 0x7F
                guard count >= 1, count <= 4, bytes.endIndex - index >= count else { return nil }
                length = 0
                for _ in 0..<count {
                    length = length << 8 | Int(bytes[index])
                    index += 1
                }
            }
            guard bytes.endIndex - index >= length else { return nil }
            let content = bytes[index..<(index + length)]
            bytes = bytes[(index + length)...]
            return DERReader(bytes: content)
        }
    }
}
