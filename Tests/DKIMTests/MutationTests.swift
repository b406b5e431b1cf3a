import DKIM
import Foundation
import Testing
import TestSupport

/// 100 000 seeded mutations of a signature field, a key record and a whole signed message through the parsers and
/// the verifier: nothing crashes, and the whole run stays within a time bound (no input makes the work blow up).
@Suite struct MutationTests {
    static let iterations = 100_000

    /// Bytes that matter to the grammars: separators, folding, white space, base64, high bytes.
    static let interesting: [UInt8] = Array(";=: \t\r\n/@.-_aZ09+\u{7F}".utf8) + [0x00, 0x80, 0xFF]

    /// One mutation: flip, insert, delete, duplicate a run, or truncate.
    static func mutate(_ input: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !bytes.isEmpty: bytes[position] = interesting.randomElement(using: &random)!
            case 1: bytes.insert(interesting.randomElement(using: &random)!, at: position)
            case 2 where !bytes.isEmpty: bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...8, using: &random)))
            case 3 where !bytes.isEmpty:
                let run = bytes[position..<min(bytes.count, position + Int.random(in: 1...16, using: &random))]
                bytes.insert(contentsOf: run, at: position)
            default: bytes = Array(bytes.prefix(position))
            }
        }
        return bytes
    }

    static func signedSample() throws -> DKIMMessage {
        try DKIMSigner(domain: "dkim.test", selector: "ed25519", key: try TestKeys.key("ed25519"))
            .sign(try message(sampleMessage), at: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test("100 000 mutated DKIM-Signature values: parsed with the fuzz harness's properties or refused with a reason, within 60 s")
    func signatureFields() throws {
        let original = Array(try Self.signedSample().headers[0].rawValue)
        var random = SeededGenerator(state: 6376)
        var parsed = 0
        let elapsed = ContinuousClock().measure {
            for _ in 0..<Self.iterations {
                let value = Self.mutate(original, &random)
                Self.checkTagList(value)
                guard let field = HeaderField(raw: Array("DKIM-Signature:".utf8) + value) else { continue }
                do {
                    // The fuzz harness dkim-signature's properties of a signature that was read.
                    let signature = try DKIMSignature(field: field)
                    #expect(signature.signedHeaders.contains("from") && signature.signedHeaders.count <= DKIMLimits.maximumSignedHeaderNames)
                    #expect(!signature.signature.isEmpty && !signature.bodyHash.isEmpty)
                    let domain = signature.domain.lowercased(), identity = signature.identityDomain.lowercased()
                    #expect(identity == domain || identity.hasSuffix("." + domain))
                    if let t = signature.timestamp, let x = signature.expiration { #expect(x > t) }
                    #expect((signature.bodyLength ?? 0) >= 0)
                    parsed += 1
                } catch {
                    #expect((error as? DKIMSignatureError)?.reason.isEmpty == false)
                }
            }
        }
        #expect(parsed > 0 && parsed < Self.iterations)  // the mutations reach both outcomes
        #expect(elapsed < .seconds(60))
    }

    /// The fuzz harness dkim-signature's properties of a tag list that was read: bounded, no name twice, each value
    /// the trimmed text at its position.
    static func checkTagList(_ input: [UInt8]) {
        guard let tags = try? TagList(parsing: input) else { return }
        #expect(tags.tags.count <= DKIMLimits.maximumTagCount)
        #expect(Set(tags.tags.map(\.name)).count == tags.tags.count)
        for tag in tags.tags {
            #expect(tag.valueRange.upperBound <= input.count && String(decoding: input[tag.valueRange], as: UTF8.self) == tag.value)
            #expect(tag.value.utf8.first.map { $0 != 0x20 && $0 != 0x09 } ?? true)
        }
    }

    @Test("100 000 mutated key records: parsed or refused with a reason, within 60 s")
    func keyRecords() throws {
        let original = Array(try TestKeys.records("strict")[0].utf8)
        var random = SeededGenerator(state: 8463)
        var parsed = 0
        let elapsed = ContinuousClock().measure {
            for _ in 0..<Self.iterations {
                do {
                    _ = try KeyRecord(parsing: Self.mutate(original, &random))
                    parsed += 1
                } catch {
                    #expect((error as? KeyRecordError)?.reason.isEmpty == false)
                }
            }
        }
        #expect(parsed > 0 && parsed < Self.iterations)
        #expect(elapsed < .seconds(60))
    }

    @Test("100 000 mutated signed messages through the parser and the verifier: one verdict per signature field, within 240 s")
    func messages() async throws {
        let original = try Self.signedSample().bytes
        let verifier = DKIMVerifier(keys: try TestKeys.offline(["ed25519"]), now: { Date(timeIntervalSince1970: 1_800_000_000) })
        var random = SeededGenerator(state: 8301)
        var results: [DKIMResult: Int] = [:]
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<Self.iterations {
            guard let message = try? DKIMMessage(parsing: Self.mutate(original, &random)) else { continue }
            // The fuzz harness dkim-message's properties: the wire form reads back equal, canonical bodies are fixed points.
            #expect(try DKIMMessage(parsing: message.bytes) == message)
            for c in Canonicalization.allCases {
                let once = c.canonicalize(body: message.body)
                #expect(c.canonicalize(body: once) == once)
            }
            let verdicts = await verifier.verify(message)
            #expect(verdicts.count == message.headers.filter { $0.lowercasedName == "dkim-signature" }.count)
            for verdict in verdicts { results[verdict.result, default: 0] += 1 }
        }
        #expect(clock.now - start < .seconds(240))
        #expect(results[.pass, default: 0] > 0 && results[.fail, default: 0] > 0 && results[.permerror, default: 0] > 0)
    }

    @Test("The largest inputs the limits allow stay cheap: 1 000 fields and 256 h= names, 64 tags")
    func worstCases() async throws {
        let names = (0..<DKIMLimits.maximumSignedHeaderNames - 1).map { _ in "x" } + ["from"]
        let signature = "DKIM-Signature: v=1; a=ed25519-sha256; d=dkim.test; s=ed25519; bh=AAAA; b=AAAA; h=" + names.joined(separator: ":")
        let text = signature + "\n" + String(repeating: "X: " + String(repeating: "y ", count: 400) + "\n", count: DKIMLimits.maximumHeaderCount - 2)
            + "From: a@dkim.test\n\nbody\n"
        let message = try DKIMMessage(parsing: Array(text.utf8))
        let verifier = DKIMVerifier(keys: try TestKeys.offline(["ed25519"]))
        let tags = (0..<DKIMLimits.maximumTagCount).map { "t\($0)=" + String(repeating: "v", count: 100) }.joined(separator: "; ")
        let clock = ContinuousClock()
        let start = clock.now
        let verdicts = await verifier.verify(message)
        let parsed = try TagList(parsing: Array(tags.utf8))
        let elapsed = clock.now - start
        #expect(verdicts.map(\.result) == [.fail])
        #expect(parsed.tags.count == DKIMLimits.maximumTagCount)
        #expect(elapsed < .seconds(5))
    }
}
