import DKIM
import Foundation
import Testing

/// RFC 6376 §6 verification rules, RFC 8301 bans and the per-signature verdicts, with keys from a table (no DNS).
@Suite struct VerifierTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let selectors = ["rsa2048", "rsa1024", "ed25519", "revoked", "testing", "strict", "sha1only", "service", "mismatch",
                            "version", "nokey", "unknown", "double", "pkcs1", "split"]

    let keys: TableKeyFetcher
    init() throws { keys = try TestKeys.offline(Self.selectors) }

    func signed(_ selector: String, key: String, at time: Date = now, _ configure: (inout DKIMSigner) -> Void = { _ in },
                message text: String = sampleMessage) throws -> DKIMMessage {
        var signer = DKIMSigner(domain: "dkim.test", selector: selector, key: try TestKeys.key(key))
        configure(&signer)
        return try signer.sign(try message(text), at: time)
    }

    func verdicts(_ message: DKIMMessage, keys: (any DKIMKeyFetcher)? = nil) async -> [DKIMVerdict] {
        await DKIMVerifier(keys: keys ?? self.keys, now: { Self.now }).verify(message)
    }

    func only(_ message: DKIMMessage) async -> (DKIMResult, String?) {
        let all = await verdicts(message)
        return (all.first?.result ?? .neutral, all.first?.reason)
    }

    @Test("A message without signatures has no verdicts")
    func unsigned() async throws {
        #expect(await verdicts(try message(sampleMessage)).isEmpty)
    }

    @Test("rsa-sha256 (2048 and 1024 bits, SPKI, PKCS#1 p=, split strings) and ed25519-sha256 pass",
          arguments: [("rsa2048", "rsa2048"), ("rsa1024", "rsa1024"), ("ed25519", "ed25519"), ("pkcs1", "rsa2048"), ("split", "rsa2048"),
                      ("unknown", "ed25519")])
    func passes(selector: String, key: String) async throws {
        let verdict = try #require(await verdicts(try signed(selector, key: key)).first)
        #expect(verdict == DKIMVerdict(result: .pass, reason: nil, domain: "dkim.test", selector: selector, identity: "@dkim.test",
                                       algorithm: key == "ed25519" ? "ed25519-sha256" : "rsa-sha256"))
    }

    @Test("§6.1.2: several key records at one name: each is tried")
    func severalKeyRecords() async throws {
        #expect(await only(try signed("double", key: "ed25519")) == (.pass, nil))
        #expect(await only(try signed("double", key: "rsa2048")) == (.pass, nil))
    }

    @Test("Key record rules (RFC 6376 §3.6.1, §6.1.2) give permerror with the rule", arguments: [
        ("revoked", "rsa2048", "key revoked: empty p= (RFC 6376 §3.6.1)"),
        ("sha1only", "rsa2048", "key record h= does not allow sha256 (RFC 6376 §3.6.1)"),
        ("service", "ed25519", "key record s= does not include email (RFC 6376 §3.6.1)"),
        ("mismatch", "ed25519", "key type k=rsa does not match a=ed25519-sha256 (RFC 6376 §6.1.2)"),
        ("version", "ed25519", "key record v=DKIM2 is not DKIM1 (RFC 6376 §3.6.1)"),
        ("nokey", "ed25519", "key record has no p= (RFC 6376 §3.6.1)"),
        ("absent", "ed25519", "no TXT record at absent._domainkey.dkim.test"),
    ])
    func keyRecordRules(selector: String, key: String, reason: String) async throws {
        #expect(await only(try signed(selector, key: key)) == (.permerror, reason))
    }

    @Test("§3.6.1 t=s: i= must be in d= itself")
    func strictIdentity() async throws {
        #expect(await only(try signed("strict", key: "ed25519") { $0.identity = "joe@dkim.test" }) == (.pass, nil))
        #expect(await only(try signed("strict", key: "ed25519") { $0.identity = "joe@mail.dkim.test" })
            == (.permerror, "key record t=s requires i= in d= itself, not a subdomain (RFC 6376 §3.6.1)"))
    }

    @Test("§3.6.1 t=y: the verdict stands and says the domain is testing")
    func testingFlag() async throws {
        let verdict = try #require(await verdicts(try signed("testing", key: "ed25519")).first)
        #expect(verdict.result == .pass)
        #expect(verdict.isTesting)
    }

    @Test("§6.1.2: a temporary DNS failure is temperror")
    func temporaryFailure() async throws {
        let failing = TableKeyFetcher(["ed25519._domainkey.dkim.test": .temporaryFailure("SERVFAIL")])
        let verdict = try #require(await verdicts(try signed("ed25519", key: "ed25519"), keys: failing).first)
        #expect(verdict.result == .temperror)
        #expect(verdict.reason == "SERVFAIL")
    }

    @Test("RFC 8301 §3.1: rsa-sha1 is permerror even with a good key")
    func sha1Refused() async throws {
        // The field is edited to claim rsa-sha1: the verdict comes before any key or hash work.
        var text = try signed("rsa2048", key: "rsa2048").bytes
        let field = String(decoding: text, as: UTF8.self).replacingOccurrences(of: "a=rsa-sha256", with: "a=rsa-sha1")
        text = Array(field.utf8)
        #expect(await only(try DKIMMessage(parsing: text)) == (.permerror, "rsa-sha1 signatures are not accepted (RFC 8301 §3.1)"))
    }

    @Test("§3.5 x=: an expired signature is permerror; t= in the future beyond the skew too")
    func times() async throws {
        let past = Self.now.addingTimeInterval(-7200)
        #expect(await only(try signed("ed25519", key: "ed25519", at: past) { $0.validity = 3600 })
            == (.permerror, "signature expired at x=\(Int64(past.timeIntervalSince1970) + 3600) (RFC 6376 §3.5)"))
        #expect(await only(try signed("ed25519", key: "ed25519", at: past) { $0.validity = 86400 }) == (.pass, nil))
        let future = Self.now.addingTimeInterval(3600)
        #expect(await only(try signed("ed25519", key: "ed25519", at: future))
            == (.permerror, "signature timestamp t=\(Int64(future.timeIntervalSince1970)) is in the future (RFC 6376 §3.5)"))
        #expect(await only(try signed("ed25519", key: "ed25519", at: Self.now.addingTimeInterval(200))) == (.pass, nil))
    }

    @Test("§3.5 l=: text added after the signed length passes; a body shorter than l= is permerror")
    func bodyLength() async throws {
        var extended = try signed("ed25519", key: "ed25519") { $0.includesBodyLength = true }
        extended.body += Array("Appended by a list.\r\n".utf8)
        #expect(await only(extended) == (.pass, nil))
        var shortened = extended
        shortened.body = Array("Hi.\r\n".utf8)
        #expect(await only(shortened).0 == .permerror)
        #expect(await only(shortened).1?.hasSuffix("is longer than the canonical body (RFC 6376 §3.5)") == true)
    }

    @Test("§5.4.2: over-signed fields: adding another instance breaks the signature; absent names add nothing")
    func overSigning() async throws {
        let original = try signed("ed25519", key: "ed25519")
        var addedSubject = original
        addedSubject.headers.append(HeaderField(name: "Subject", value: " Buy now"))
        #expect(await only(addedSubject) == (.fail, "signature did not verify (RFC 6376 §6.1.3)"))
        var addedUnsigned = original
        addedUnsigned.headers.append(HeaderField(name: "X-Mailer", value: " relay"))
        #expect(await only(addedUnsigned) == (.pass, nil))
        var addedCc = original  // Cc was absent when signing and is not over-signed
        addedCc.headers.append(HeaderField(name: "Cc", value: " eve@example.net"))
        #expect(await only(addedCc) == (.pass, nil))
    }

    @Test("§5.4.2: fields are taken from the bottom up")
    func bottomUp() async throws {
        var signer = DKIMSigner(domain: "dkim.test", selector: "ed25519", key: try TestKeys.key("ed25519"))
        signer.headers = ["from", "received"]
        signer.oversignedHeaders = []
        let text = "Received: first\nReceived: second\n" + sampleMessage
        var signed = try signer.sign(try message(text), at: Self.now)
        #expect(await only(signed) == (.pass, nil))
        var above = signed
        above.headers.insert(HeaderField(name: "Received", value: " by a later relay"), at: 1)  // the two signed stay the last two
        #expect(await only(above) == (.pass, nil))
        signed.headers.append(HeaderField(name: "Received", value: " forged below"))  // now the last two differ
        #expect(await only(signed) == (.fail, "signature did not verify (RFC 6376 §6.1.3)"))
    }

    @Test("§6.1.3: a changed body is fail on the body hash; a changed signed field is fail on the signature")
    func tampering() async throws {
        var body = try signed("rsa2048", key: "rsa2048")
        body.body = Array("We won.\r\n".utf8)
        #expect(await only(body) == (.fail, "body hash did not verify (RFC 6376 §6.1.3)"))
        var header = try signed("rsa2048", key: "rsa2048")
        let index = try #require(header.headers.firstIndex { $0.lowercasedName == "date" })
        header.headers[index] = HeaderField(name: "Date", value: " Sat, 12 Jul 2003 21:00:37 -0700 (PDT)")
        #expect(await only(header) == (.fail, "signature did not verify (RFC 6376 §6.1.3)"))
    }

    @Test("Every signature gets its own verdict, top first; d= and s= are read even from broken fields")
    func everySignature() async throws {
        var message = try signed("rsa2048", key: "rsa2048")
        message = try DKIMSigner(domain: "dkim.test", selector: "revoked", key: try TestKeys.key("rsa2048")).sign(message, at: Self.now)
        message.headers.insert(HeaderField(name: "DKIM-Signature", value: " v=1; d=broken.example; s=x; a=rsa-sha256"), at: 0)
        message = try DKIMSigner(domain: "dkim.test", selector: "ed25519", key: try TestKeys.key("ed25519")).sign(message, at: Self.now)
        let all = await verdicts(message)
        #expect(all.map(\.result) == [.pass, .permerror, .permerror, .pass])
        #expect(all.map(\.selector) == ["ed25519", "x", "revoked", "rsa2048"])
        #expect(all.map(\.domain) == ["dkim.test", "broken.example", "dkim.test", "dkim.test"])
        #expect(all[1].reason == "missing required tag b= (RFC 6376 §6.1.1)")
    }

    @Test("At most DKIMLimits.maximumSignaturesVerified signatures are verified; the rest are neutral")
    func tooManySignatures() async throws {
        var message = try message(sampleMessage)
        let signer = DKIMSigner(domain: "dkim.test", selector: "ed25519", key: try TestKeys.key("ed25519"))
        for _ in 0...DKIMLimits.maximumSignaturesVerified { message = try signer.sign(message, at: Self.now) }
        let all = await verdicts(message)
        #expect(all.map(\.result) == Array(repeating: .pass, count: DKIMLimits.maximumSignaturesVerified) + [.neutral])
        #expect(all.last?.reason == "too many signatures: only the first \(DKIMLimits.maximumSignaturesVerified) are verified")
    }

    @Test("A bare LF in the body, found while the relaxed pass reads it (AVX2) or before (simple): at each line end, first and last of a 9 KB body, the message verifies as its CRLF copy")
    func bareLineFeedInTheBody() async throws {
        // 120 lines of 20 to 139 octets: the body runs past one 4 KB piece of the relaxed pass, and its last line past
        // the last 32-octet chunk.
        let lines = (0..<120).map { n in String(repeating: "word  ", count: 3 + n % 20) + "end \(n)" }
        let text = "From: joe@dkim.test\r\nSubject: lines\r\n\r\n" + lines.joined(separator: "\r\n") + "\r\n"
        var passes = 0
        for pair in [CanonicalizationPair.relaxed, CanonicalizationPair(header: .relaxed, body: .simple)] {
            let signed = try signed("ed25519", key: "ed25519", { $0.canonicalization = pair }, message: text).bytes
            let bodyStart = 4 + (0..<(signed.count - 3)).first { signed[$0..<($0 + 4)].elementsEqual([0x0D, 0x0A, 0x0D, 0x0A]) }!
            let lineEnds = signed.indices.filter { $0 >= bodyStart && signed[$0] == 0x0D && $0 + 1 < signed.count && signed[$0 + 1] == 0x0A }
            #expect(lineEnds.count == 120)
            for end in lineEnds {
                var bare = signed
                bare.remove(at: end)  // this line ends in LF alone
                let message = try DKIMMessage(parsing: bare)
                #expect(message == (try DKIMMessage(parsing: signed)))
                if await only(message) == (.pass, nil) { passes += 1 }
            }
            // An LF first in the body is bare too (the empty line before it ends in one): read as CRLF, as the copy is.
            var first = signed
            first.insert(0x0A, at: bodyStart)
            var converted = signed
            converted.insert(contentsOf: [0x0D, 0x0A], at: bodyStart)
            #expect(await only(try DKIMMessage(parsing: first)) == (.fail, "body hash did not verify (RFC 6376 §6.1.3)"))
            #expect(try DKIMMessage(parsing: first).body == (try DKIMMessage(parsing: converted)).body)
        }
        #expect(passes == 240)
    }

    @Test("Bare LF and CRLF copies of one message verify alike (the MTA's view)")
    func lineEnds() async throws {
        let signed = try signed("ed25519", key: "ed25519")
        let lf = String(decoding: signed.bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(await only(try DKIMMessage(parsing: Array(lf.utf8))) == (.pass, nil))
    }
}
