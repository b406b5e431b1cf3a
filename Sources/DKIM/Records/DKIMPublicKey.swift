import Crypto
import _CryptoExtras
import Foundation

/// A public key from a key record's `p=`, ready to verify (RFC 6376 §3.6.1, RFC 8463 §4, RFC 8301 §3.2).
///
/// RSA keys are SubjectPublicKeyInfo DER as RFC 6376 §3.6.1 says; a bare PKCS#1 RSAPublicKey, which some publishers
/// use, is accepted too (as OpenDKIM and dkimpy do). Ed25519 keys are the 32 raw octets.
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
            // Built from its parameters, never from the DER: swift-crypto 3.12.3's DER initializer frees its key twice
            // when neither form parses (a double free a key record from DNS could trigger).
            guard let parameters = RSAPublicKeyDER.parameters(der: data) else {
                throw KeyRecordError("key record p= is not an RSA public key (RFC 6376 §3.6.1)")
            }
            let bits = RSAPublicKeyDER.bits(parameters.modulus)
            if bits < DKIMLimits.minimumRSAKeyBits {
                throw KeyRecordError("RSA key of \(bits) bits is shorter than \(DKIMLimits.minimumRSAKeyBits) (RFC 8301 §3.2)")
            }
            if bits > DKIMLimits.maximumRSAKeyBits {
                throw KeyRecordError("RSA key of \(bits) bits is longer than \(DKIMLimits.maximumRSAKeyBits)")
            }
            do {
                backing = .rsa(try _RSA.Signing.PublicKey(n: parameters.modulus, e: parameters.exponent))
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

    private static let emptyRSASignature = _RSA.Signing.RSASignature(rawRepresentation: [UInt8]())

    /// Whether `signature` signs the SHA-256 `digest` of the header hash input (RFC 6376 §3.7, RFC 8463 §3).
    func isValid(signature: [UInt8], digest: SHA256.Digest) -> Bool {
        switch backing {
        case .rsa(let key):
            // The signature is lent to swift-crypto, not copied: `RSASignature(rawRepresentation:)` copies the octets
            // into a new `Data`, and the verification only reads them while it runs.
            return signature.withUnsafeBytes { octets in
                guard let start = octets.baseAddress else { return false }
                var lent = Self.emptyRSASignature
                lent.rawRepresentation = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: start), count: octets.count, deallocator: .none)
                return key.isValidSignature(lent, for: digest, padding: .insecurePKCS1v1_5)
            }
        case .ed25519(let octets):
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: octets) else { return false }
            return digest.withUnsafeBytes { key.isValidSignature(signature, for: $0) }  // Array(digest) grows octet by octet
        }
    }
}

/// An RSA public key's modulus and exponent read from DER: a SubjectPublicKeyInfo with the `rsaEncryption` algorithm
/// (RFC 3279 §2.3.1) or a bare PKCS#1 RSAPublicKey (RFC 8017 §A.1.1), as strictly as BoringSSL reads them (definite
/// minimal lengths, positive minimal integers).
enum RSAPublicKeyDER {
    /// `1.2.840.113549.1.1.1`, rsaEncryption.
    static let rsaEncryption: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]

    /// The modulus and public exponent, big-endian without sign octet; nil when the DER is neither form.
    static func parameters(der: [UInt8]) -> (modulus: ArraySlice<UInt8>, exponent: ArraySlice<UInt8>)? {
        var reader = DERReader(bytes: der[...])
        guard var outer = reader.read(tag: 0x30) else { return nil }
        if var algorithm = outer.read(tag: 0x30) {  // SubjectPublicKeyInfo
            guard let oid = algorithm.read(tag: 0x06), oid.bytes.elementsEqual(rsaEncryption),
                  algorithm.bytes.isEmpty || (algorithm.bytes.elementsEqual([0x05, 0x00])),  // NULL parameters or none
                  let bitString = outer.read(tag: 0x03), bitString.bytes.first == 0, outer.bytes.isEmpty else { return nil }
            var inner = DERReader(bytes: bitString.bytes.dropFirst())
            guard let sequence = inner.read(tag: 0x30), inner.bytes.isEmpty else { return nil }
            return integers(sequence)
        }
        return integers(outer)
    }

    /// `SEQUENCE { modulus INTEGER, publicExponent INTEGER }`'s contents, both positive and minimal.
    private static func integers(_ sequence: DERReader) -> (modulus: ArraySlice<UInt8>, exponent: ArraySlice<UInt8>)? {
        var sequence = sequence
        guard let modulus = sequence.read(tag: 0x02).flatMap({ positive($0.bytes) }),
              let exponent = sequence.read(tag: 0x02).flatMap({ positive($0.bytes) }), sequence.bytes.isEmpty else { return nil }
        return (modulus, exponent)
    }

    /// A DER INTEGER's value without its sign octet; nil when negative, empty or not minimally encoded.
    private static func positive(_ integer: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let first = integer.first, first & 0x80 == 0 else { return nil }
        guard first == 0 else { return integer }
        guard integer.count > 1, integer[integer.startIndex + 1] & 0x80 != 0 else { return nil }
        return integer.dropFirst()
    }

    /// The bits of a big-endian modulus without sign octet.
    static func bits(_ modulus: ArraySlice<UInt8>) -> Int {
        guard let first = modulus.first else { return 0 }
        return (modulus.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }

    /// Just enough DER for these two forms: definite minimal lengths, at most 4 length octets.
    struct DERReader {
        var bytes: ArraySlice<UInt8>

        mutating func read(tag: UInt8) -> DERReader? {
            guard bytes.count >= 2, bytes.first == tag else { return nil }
            var index = bytes.startIndex + 1
            var length = Int(bytes[index])
            index += 1
            if length & 0x80 != 0 {
                let count = length & 0x7F
                guard count >= 1, count <= 4, bytes.endIndex - index >= count, bytes[index] != 0 else { return nil }
                length = 0
                for _ in 0..<count {
                    length = length << 8 | Int(bytes[index])
                    index += 1
                }
                guard length >= 0x80 else { return nil }
            }
            guard bytes.endIndex - index >= length else { return nil }
            let content = bytes[index..<(index + length)]
            bytes = bytes[(index + length)...]
            return DERReader(bytes: content)
        }
    }
}
