import DKIM
import Foundation
import Testing

/// Signing for our own domains: defaults, keys, and every canonicalization pair round trip.
@Suite struct SignerTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("The default field list, From/To/Subject/Date over-signed, relaxed/relaxed, folded at 78 columns")
    func defaults() throws {
        let signer = DKIMSigner(domain: "dkim.test", selector: "ed25519", key: try TestKeys.key("ed25519"))
        let field = try signer.signature(for: try message(sampleMessage), at: Self.now)
        let signature = try DKIMSignature(field: field)
        #expect(signature.signedHeaders == ["from", "from", "subject", "subject", "date", "date", "to", "to", "message-id"])
        #expect(signature.canonicalization == .relaxed)
        #expect(signature.timestamp == 1_800_000_000)
        #expect(signature.algorithm == .ed25519SHA256)
        #expect(field.name == "DKIM-Signature")
        let lines = String(decoding: field.raw, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("\t") })
    }

    @Test("§5.4: a message without From cannot be signed")
    func fromRequired() throws {
        let signer = DKIMSigner(domain: "dkim.test", selector: "ed25519", key: try TestKeys.key("ed25519"))
        #expect(errorCode { _ = try signer.signature(for: try message("To: x\n\nbody\n"), at: Self.now) } == .invalidSigningRequest)
    }

    @Test("§3.5: i= outside d= is refused")
    func identityOutsideDomain() throws {
        var signer = DKIMSigner(domain: "dkim.test", selector: "ed25519", key: try TestKeys.key("ed25519"))
        signer.identity = "joe@example.org"
        #expect(errorCode { _ = try signer.signature(for: try message(sampleMessage), at: Self.now) } == .invalidSigningRequest)
    }

    @Test("Keys: PKCS#8 RSA and Ed25519, PKCS#1 RSA; RFC 8301 §3.2: RSA under 1024 bits is refused", arguments: [
        ("rsa2048", "rsa-sha256"), ("rsa2048-pkcs1", "rsa-sha256"), ("rsa1024", "rsa-sha256"), ("ed25519", "ed25519-sha256"),
    ])
    func keys(name: String, algorithm: String) throws {
        #expect(try TestKeys.key(name).algorithm.rawValue == algorithm)
    }

    @Test("RFC 8301 §3.2: 512- and 768-bit RSA keys are not used to sign", arguments: ["rsa512", "rsa768"])
    func shortKeys(name: String) {
        #expect(errorCode { _ = try TestKeys.key(name) } == .unsupportedKey)
    }

    @Test("A PKCS#1 and a PKCS#8 file of one key publish the same record, as the lab zone has it")
    func sameKeyRecord() throws {
        #expect(try TestKeys.key("rsa2048-pkcs1").keyRecord == TestKeys.records("rsa2048").first)
        #expect(try TestKeys.key("ed25519").keyRecord == TestKeys.records("ed25519").first)
    }

    @Test("Key generation: a new key reads back from its PEM and publishes a record of its kind",
          arguments: DKIMSigningKey.Kind.allCases)
    func generation(kind: DKIMSigningKey.Kind) throws {
        let key = try DKIMSigningKey.generate(kind)
        let again = try DKIMSigningKey(pem: key.pemRepresentation)
        #expect(again.keyRecord == key.keyRecord)
        #expect(key.pemRepresentation.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let record = try KeyRecord(parsing: Array(key.keyRecord.utf8))
        #expect(record.keyType == (kind == .ed25519 ? "ed25519" : "rsa"))
        #expect(record.publicKeyData.count == (kind == .ed25519 ? 32 : 294))  // 294: SPKI DER of RSA-2048
    }

    @Test("Every canonicalization pair and both algorithms round trip", arguments: ["rsa2048", "ed25519"],
          [Canonicalization.simple, .relaxed].flatMap { h in [Canonicalization.simple, .relaxed].map { CanonicalizationPair(header: h, body: $0) } })
    func roundTrip(key: String, pair: CanonicalizationPair) async throws {
        var signer = DKIMSigner(domain: "dkim.test", selector: key, key: try TestKeys.key(key))
        signer.canonicalization = pair
        let signed = try signer.sign(try message(sampleMessage), at: Self.now)
        let verdicts = await DKIMVerifier(keys: try TestKeys.offline([key]), now: { Self.now }).verify(signed)
        #expect(verdicts.map(\.result) == [.pass])
        #expect(try DKIMSignature(field: signed.headers[0]).canonicalization == pair)
    }
}
