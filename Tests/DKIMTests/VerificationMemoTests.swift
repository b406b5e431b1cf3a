@testable import DKIM
import DNS
import Foundation
import Synchronization
import TestSupport
import Testing

/// What makes a warm verification cheap must not change a verdict: the verifier's memo of parsed key records
/// (bounded by ``DKIMLimits/parsedKeyCapacity``) and the word-at-a-time relaxed body canonicalization.
@Suite struct VerificationMemoTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Every lab key record, usable or not, signed with the key that fits it best: one verifier (the second round from
    /// its memo) gives the verdicts of a new verifier every time.
    @Test("Memoized key records give the verdicts of a fresh parse (pass, revoked, h=, s=, k= mismatch, v=, no p=, t=s, t=y)",
          arguments: [("rsa2048", "rsa2048"), ("rsa1024", "rsa1024"), ("ed25519", "ed25519"), ("pkcs1", "rsa2048"),
                      ("split", "rsa2048"), ("revoked", "rsa2048"), ("testing", "ed25519"), ("strict", "ed25519"),
                      ("sha1only", "rsa2048"), ("service", "ed25519"), ("mismatch", "ed25519"), ("version", "ed25519"),
                      ("nokey", "ed25519"), ("unknown", "ed25519"), ("double", "rsa2048"), ("double", "ed25519")])
    func memoizedKeysGiveFreshVerdicts(selector: String, key: String) async throws {
        let keys = try TestKeys.offline([selector])
        var signer = DKIMSigner(domain: "dkim.test", selector: selector, key: try TestKeys.key(key))
        signer.identity = "joe@sub.dkim.test"
        let signed = try signer.sign(try message(sampleMessage), at: Self.now)
        let shared = DKIMVerifier(keys: keys, now: { Self.now })
        let first = await shared.verify(signed)
        let second = await shared.verify(signed)
        let fresh = await DKIMVerifier(keys: keys, now: { Self.now }).verify(signed)
        #expect(first == fresh)
        #expect(second == fresh)
        #expect(fresh.count == 1)
    }

    /// Hands out the record text set last, whatever the selector.
    final class ChangingKeys: DKIMKeyFetcher {
        let text = Mutex("")
        func keyRecords(selector: String, domain: String) async -> KeyLookupResult {
            .found([Array(text.withLock { $0 }.utf8)])
        }
    }

    @Test("The key memo stops at 256 records however many distinct ones a verifier sees")
    func keyMemoIsBounded() async throws {
        #expect(DKIMLimits.parsedKeyCapacity == 256)
        let signingKey = try TestKeys.key("ed25519")
        let signed = try DKIMSigner(domain: "dkim.test", selector: "ed25519", key: signingKey).sign(try message(plainMessage), at: Self.now)
        let keys = ChangingKeys()
        let verifier = DKIMVerifier(keys: keys, now: { Self.now })
        let record = signingKey.keyRecord
        for index in 0..<300 {
            keys.text.withLock { $0 = record + "; n=note\(index)" }
            #expect(await verifier.verify(signed).map(\.result) == [.pass])
            #expect(verifier.parsedKeys.count == min(index + 1, 256))
        }
    }

    /// RFC 6376 §3.4.4 written octet by octet, the way the library did before it read words: the reference the fast
    /// version must match.
    static func relaxedReference(_ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var pendingSpace = false
        var i = 0
        while i < body.count {
            let byte = body[i]
            if byte == 0x20 || byte == 0x09 {
                pendingSpace = true
            } else if byte == 0x0D, i + 1 < body.count, body[i + 1] == 0x0A {
                pendingSpace = false
                out += [0x0D, 0x0A]
                i += 1
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                out.append(byte)
            }
            i += 1
        }
        if !out.isEmpty, !(out.count >= 2 && out[out.count - 2] == 0x0D && out[out.count - 1] == 0x0A) { out += [0x0D, 0x0A] }
        var end = out.count
        while end >= 4, out[end - 4] == 0x0D, out[end - 3] == 0x0A, out[end - 2] == 0x0D, out[end - 1] == 0x0A { end -= 2 }
        if end == 2 { end = 0 }
        return Array(out[..<end])
    }

    @Test("§3.4.4: relaxed body of 20 000 random bodies (SP, HTAB, CR, LF, letters, 0 to 300 octets) equals the octet-by-octet reference")
    func relaxedBodyMatchesReference() {
        var generator = SeededGenerator(state: 6376)
        let alphabet: [UInt8] = [0x20, 0x20, 0x20, 0x09, 0x0D, 0x0A, 0x0D, 0x0A, 0x61, 0x62, 0x2E, 0x00, 0xFF]
        for _ in 0..<20_000 {
            let body = (0..<Int.random(in: 0...300, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            #expect(Canonicalization.relaxed.canonicalize(body: body) == Self.relaxedReference(body), "\(body)")
        }
    }
}
