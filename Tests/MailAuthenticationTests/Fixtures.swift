import Crypto
import DKIM
import DNS
import Foundation
import TestSupport

/// The lab zone mail.test (lab/zones/mail.test.zone): its DKIM key and messages signed with it.
enum MailTest {
    /// Selector s1's Ed25519 key: the seed is SHA-256 of this text, as the zone file says.
    static func signingKey() throws -> DKIMSigningKey {
        try DKIMSigningKey(ed25519Seed: Array(SHA256.hash(data: Data("stockade mail.test ed25519 selector s1".utf8))))
    }

    static func resolver() throws -> Resolver<ContinuousClock> {
        Resolver(configuration: try ResolverConfiguration(servers: [labVariable("STOCKADE_RESOLVER")]))
    }

    /// A message from `from`, signed by `signedBy` (d=, selector s1) when given.
    static func message(from: String, signedBy domain: String? = nil, subject: String = "Hello") throws -> DKIMMessage {
        let text = "From: Alice <\(from)>\r\nTo: bob@example.net\r\nSubject: \(subject)\r\nDate: Sun, 06 Dec 2026 12:00:00 +0000\r\n"
            + "Message-ID: <1@mail.test>\r\n\r\nHi Bob.\r\n"
        let message = try DKIMMessage(parsing: Array(text.utf8))
        guard let domain else { return message }
        return try DKIMSigner(domain: domain, selector: "s1", key: signingKey()).sign(message, at: Date())
    }
}
