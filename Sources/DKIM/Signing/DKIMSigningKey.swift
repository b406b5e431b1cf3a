import Crypto
import Foundation
import _CryptoExtras

/// A private key that signs for one of our domains: RSA (1024 bits or more, RFC 8301 §3.2) or Ed25519 (RFC 8463).
public struct DKIMSigningKey: Sendable {
    /// The kinds of key `stockade dkim keygen` makes.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// RSA with a 2048-bit modulus: what RFC 8301 §3.2 says signers SHOULD use.
        case rsa2048 = "rsa-2048"
        /// Ed25519 (RFC 8463); not every verifier knows it yet, so sign with RSA too.
        case ed25519
    }

    private enum Backing: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        /// The 32-octet seed (RFC 8032 §5.1.5).
        case ed25519([UInt8])
    }

    private let backing: Backing

    /// The DER prefix of an Ed25519 PKCS#8 v1 private key (RFC 8410 §7): the 32-octet seed follows.
    private static let ed25519PKCS8Prefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70,
                                                      0x04, 0x22, 0x04, 0x20]

    /// Reads a PEM private key: PKCS#8 (`PRIVATE KEY`, RSA or Ed25519) or PKCS#1 (`RSA PRIVATE KEY`).
    /// - Throws: ``DKIMError`` (`invalidKey`, or `unsupportedKey` for RSA under 1024 bits and other key types).
    public init(pem: String) throws(DKIMError) {
        guard let block = PEMBlock(pem) else { throw DKIMError(.invalidKey, "no PEM private key found") }
        switch block.label {
        case "PRIVATE KEY" where block.der.count == 48 && block.der.starts(with: Self.ed25519PKCS8Prefix):
            backing = .ed25519(Array(block.der.suffix(32)))
        case "PRIVATE KEY", "RSA PRIVATE KEY":
            guard let key = try? _RSA.Signing.PrivateKey(unsafeDERRepresentation: block.der) else {
                throw DKIMError(.unsupportedKey, "not an RSA key of at least \(DKIMLimits.minimumRSAKeyBits) bits or an Ed25519 key (RFC 8301 §3.2, RFC 8463)")
            }
            guard key.keySizeInBits <= DKIMLimits.maximumRSAKeyBits else {
                throw DKIMError(.unsupportedKey, "RSA key of \(key.keySizeInBits) bits is longer than \(DKIMLimits.maximumRSAKeyBits)")
            }
            backing = .rsa(key)
        default:
            throw DKIMError(.invalidKey, "PEM block \(block.label) is not a private key (encrypted keys are not read)")
        }
    }

    /// An Ed25519 key from its 32-octet seed (RFC 8032 §5.1.5), as RFC 8463 Appendix A.1 prints one.
    public init(ed25519Seed seed: [UInt8]) throws(DKIMError) {
        guard seed.count == 32 else { throw DKIMError(.invalidKey, "an Ed25519 seed has 32 octets") }
        backing = .ed25519(seed)
    }

    /// A new random key.
    public static func generate(_ kind: Kind) throws(DKIMError) -> DKIMSigningKey {
        switch kind {
        case .rsa2048:
            do {
                return DKIMSigningKey(backing: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)))
            } catch {
                throw DKIMError(.invalidKey, "RSA key generation failed: \(error)")
            }
        case .ed25519:
            return DKIMSigningKey(backing: .ed25519(Array(Curve25519.Signing.PrivateKey().rawRepresentation)))
        }
    }

    private init(backing: Backing) {
        self.backing = backing
    }

    /// The algorithm this key signs with.
    public var algorithm: SignatureAlgorithm {
        switch backing {
        case .rsa: .rsaSHA256
        case .ed25519: .ed25519SHA256
        }
    }

    /// The key as PKCS#8 PEM.
    public var pemRepresentation: String {
        switch backing {
        case .rsa(let key): key.pkcs8PEMRepresentation
        case .ed25519(let seed): PEMBlock.encode(label: "PRIVATE KEY", der: Self.ed25519PKCS8Prefix + seed)
        }
    }

    /// The `p=` value: base64 SubjectPublicKeyInfo for RSA (RFC 6376 §3.6.1), the 32 raw octets for Ed25519
    /// (RFC 8463 §4).
    public var publicKeyBase64: String {
        switch backing {
        case .rsa(let key): key.publicKey.derRepresentation.base64EncodedString()
        case .ed25519(let seed): (try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)).publicKey.rawRepresentation.base64EncodedString()
        }
    }

    /// The key record to publish at `selector._domainkey.domain`: `v=DKIM1; k=rsa; p=…` (RFC 6376 §3.6.1).
    public var keyRecord: String {
        "v=DKIM1; k=\(algorithm.keyType); p=\(publicKeyBase64)"
    }

    /// The signature of the SHA-256 `digest` of the header hash input (RFC 6376 §3.7, RFC 8463 §3).
    func sign(digest: SHA256.Digest) throws(DKIMError) -> [UInt8] {
        do {
            switch backing {
            case .rsa(let key):
                return Array(try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation)
            case .ed25519(let seed):
                return Array(try Curve25519.Signing.PrivateKey(rawRepresentation: seed).signature(for: Array(digest)))
            }
        } catch {
            throw DKIMError(.invalidKey, "signing failed: \(error)")
        }
    }
}
