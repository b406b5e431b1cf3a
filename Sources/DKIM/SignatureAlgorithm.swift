/// A signing algorithm named in a signature's `a=` tag (RFC 6376 §3.3, RFC 8463 §3).
public enum SignatureAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 6376 §3.3.2), keys of at least 1024 bits (RFC 8301 §3.2).
    case rsaSHA256 = "rsa-sha256"
    /// Ed25519 over the SHA-256 hash (RFC 8463 §3).
    case ed25519SHA256 = "ed25519-sha256"
    /// RSA with SHA-1: recognized so the verdict can say why it fails; never valid (RFC 8301 §3.1).
    case rsaSHA1 = "rsa-sha1"

    /// The algorithm named by `octets`, compared without regard to ASCII case; nil for any other name.
    init?(octets: ArraySlice<UInt8>) {
        if octets.spells("rsa-sha256", ignoringCase: true) {
            self = .rsaSHA256
        } else if octets.spells("ed25519-sha256", ignoringCase: true) {
            self = .ed25519SHA256
        } else if octets.spells("rsa-sha1", ignoringCase: true) {
            self = .rsaSHA1
        } else {
            return nil
        }
    }

    /// The key type (`k=`) this algorithm needs.
    public var keyType: String {
        switch self {
        case .rsaSHA256, .rsaSHA1: "rsa"
        case .ed25519SHA256: "ed25519"
        }
    }

    /// The hash name as a key record's `h=` lists it.
    public var hashName: String {
        switch self {
        case .rsaSHA256, .ed25519SHA256: "sha256"
        case .rsaSHA1: "sha1"
        }
    }
}
