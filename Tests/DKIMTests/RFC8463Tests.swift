import Crypto
@testable import DKIM
import Foundation
import Testing

/// RFC 8463 Appendix A: the example message signed with Ed25519 and RSA, reproduced byte for byte with the RFC's keys.
///
/// Fixtures/rfc8463 holds the RFC's text: the Ed25519 seed and the RSA key of A.1, the key records of A.2, the signed
/// message of A.3 (lines joined with CRLF, the RFC's page indent removed).
@Suite struct RFC8463Tests {
    let signed: DKIMMessage
    let keys: TableKeyFetcher

    init() throws {
        signed = try DKIMMessage(parsing: try Fixture.bytes("rfc8463/signed-message.eml"))
        keys = TableKeyFetcher(texts: [
            "brisbane._domainkey.football.example.com": try Fixture.text("rfc8463/brisbane.txt").trimmingCharacters(in: .newlines),
            "test._domainkey.football.example.com": try Fixture.text("rfc8463/test.txt").trimmingCharacters(in: .newlines),
        ])
    }

    @Test("RFC 8463 A.3: both signatures of the example verify, Ed25519 first")
    func exampleVerifies() async throws {
        let verdicts = await DKIMVerifier(keys: keys, now: { rfc8463Time }).verify(signed)
        #expect(verdicts == [
            DKIMVerdict(result: .pass, reason: nil, domain: "football.example.com", selector: "brisbane",
                        identity: "@football.example.com", algorithm: "ed25519-sha256"),
            DKIMVerdict(result: .pass, reason: nil, domain: "football.example.com", selector: "test",
                        identity: "@football.example.com", algorithm: "rsa-sha256"),
        ])
    }

    @Test("RFC 8463 A.3: the body hash is the printed bh=")
    func bodyHash() throws {
        let body = Canonicalization.relaxed.canonicalize(body: signed.body)
        #expect(Data(SHA256.hash(data: body)).base64EncodedString() == "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=")
    }

    @Test("RFC 8463 A.1 + A.3: signing the example's header hash input with the RFC's keys gives the printed b= values",
          arguments: [("rfc8463/ed25519", 0), ("rfc8463/rsa", 1)])
    func signaturesReproduced(key: String, position: Int) throws {
        let signingKey: DKIMSigningKey
        if key.hasSuffix("ed25519") {
            let seed = try #require(Data(base64Encoded: try Fixture.text("rfc8463/ed25519-private-key.base64").trimmingCharacters(in: .newlines)))
            signingKey = try DKIMSigningKey(ed25519Seed: Array(seed))
        } else {
            signingKey = try DKIMSigningKey(pem: try Fixture.text("rfc8463/rsa-private-key.pem"))
        }
        let field = signed.headers.filter { $0.lowercasedName == "dkim-signature" }[position]
        let signature = try DKIMSignature(field: field)
        let digest = DKIMVerifier.headerHashDigest(signature, headerIndex: HeaderIndex(signed.headers))
        let produced = try signingKey.sign(digest: digest)
        let printed = [
            "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==",
            "F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2JzdA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=",
        ][position]
        #expect(Data(produced).base64EncodedString() == printed)
    }

    @Test("RFC 8463 A.2: the key records publish the public halves of the A.1 keys")
    func keyRecordsMatchTheSecretKeys() throws {
        let seed = try #require(Data(base64Encoded: try Fixture.text("rfc8463/ed25519-private-key.base64").trimmingCharacters(in: .newlines)))
        #expect(try DKIMSigningKey(ed25519Seed: Array(seed)).keyRecord == "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
        #expect(try DKIMSigningKey(pem: try Fixture.text("rfc8463/rsa-private-key.pem")).keyRecord
            == (try Fixture.text("rfc8463/test.txt").trimmingCharacters(in: .newlines)))
    }

    @Test("RFC 8463 A.3 altered: one changed body octet fails both signatures on the body hash")
    func alteredBodyFails() async throws {
        var altered = signed
        altered.body = Array("Hi.\r\n\r\nWe won the game.  Are you hungry yet?\r\n\r\nJoe.\r\n".utf8)
        let verdicts = await DKIMVerifier(keys: keys, now: { rfc8463Time }).verify(altered)
        #expect(verdicts.map(\.result) == [.fail, .fail])
        #expect(verdicts.map(\.reason) == ["body hash did not verify (RFC 6376 §6.1.3)", "body hash did not verify (RFC 6376 §6.1.3)"])
    }
}
