import DKIM
import Foundation
import Testing

/// RSA `p=` values that are neither a SubjectPublicKeyInfo nor a PKCS#1 RSAPublicKey. swift-crypto 3.12.3's DER
/// initializer frees its key twice for such input (an abort, or a corrupted heap, seen in CI when 16 verifications
/// ran at once); the key is now built from its modulus and exponent, so each gives a permerror and nothing else.
@Suite struct RSAKeyDERTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// `p=` values, base64, each refused: 32 random octets (as an Ed25519 key); an EC P-256 SubjectPublicKeyInfo; PKCS#1 with a
    /// negative modulus; PKCS#1 with a non-minimal length (0x81 0x08); an RSA SubjectPublicKeyInfo whose algorithm is id-ecPublicKey.
    static let refused = [
        "VfiVk5n2tANIIAeDAe6qwEyqkBtHDzyaxI101e3IXj4=",
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEau2WiKfpPCB/8cRRRkEqOa1v/Y0mOpMV7TqG//XcQkilfGzF8ogWsmj8/WZl6ACEryS3QvamQIgNsC+1UMu4xQ==",
        "MAgCA4ABAQIBAw==",
        "MIEIAgMAwQECAQM=",
        "MCQwEwYHKoZIzj0CAQYIKoZIzj0DAQcDDQAwCgIDAQABAgMBAAE=",
    ]

    @Test("k=rsa with a p= that is no RSA public key is a permerror (RFC 6376 §3.6.1), also 16 at a time")
    func malformedRSAKeysArePermerrors() async throws {
        let signed = try DKIMSigner(domain: "dkim.test", selector: "bad", key: try TestKeys.key("rsa2048"))
            .sign(try message(plainMessage), at: Self.now)
        for value in Self.refused {
            let keys = TableKeyFetcher(texts: ["bad._domainkey.dkim.test": "v=DKIM1; k=rsa; p=\(value)"])
            let verdicts = await withTaskGroup(of: [DKIMVerdict].self) { group in
                for _ in 0..<16 { group.addTask { await DKIMVerifier(keys: keys, now: { Self.now }).verify(signed) } }
                return await group.reduce(into: []) { $0 += $1 }
            }
            #expect(verdicts.count == 16, "\(value)")
            #expect(verdicts.allSatisfy {
                $0.result == .permerror && $0.reason == "key record p= is not an RSA public key (RFC 6376 §3.6.1)"
            }, "\(value): \(verdicts.first.map { "\($0.result) \($0.reason ?? "")" } ?? "")")
        }
    }
}
