import Crypto
import Foundation
@testable import DKIM
import TestSupport
import Testing

/// The fast paths of verification against the plain rules they replace, on many seeded random inputs: the body
/// canonicalized in pieces straight into the hash, relaxed lines closed up eight octets at a time, base64 read from
/// octets, header names lower-cased from octets, bare line feeds looked for sixteen octets at a time.
@Suite struct FastPathTests {
    /// RFC 6376 §3.4.3 written whole: a CRLF added to a non-empty body without one, the empty lines at the end removed,
    /// an empty body made one CRLF.
    static func simpleReference(_ body: [UInt8]) -> [UInt8] {
        var out = body
        if !out.isEmpty, !(out.count >= 2 && out[out.count - 2] == 0x0D && out[out.count - 1] == 0x0A) { out += [0x0D, 0x0A] }
        while out.count >= 4, out.suffix(4).elementsEqual([0x0D, 0x0A, 0x0D, 0x0A]) { out.removeLast(2) }
        return out.isEmpty ? [0x0D, 0x0A] : out
    }

    static func reference(_ canonicalization: Canonicalization, _ body: [UInt8]) -> [UInt8] {
        canonicalization == .simple ? simpleReference(body) : VerificationMemoTests.relaxedReference(body)
    }

    /// Bodies up to three pieces long (pieces are 4 096 octets), made of runs, so long runs of white space and of empty
    /// lines cross the piece boundaries.
    static func randomBody(_ generator: inout SeededGenerator) -> [UInt8] {
        let runs: [[UInt8]] = [[0x20], [0x09], [0x0D, 0x0A], [0x0D], [0x0A], Array("word".utf8), [0x2E], [0x00], [0xFF],
                               [0x20, 0x0D, 0x0A], [0x0D, 0x0D, 0x0A]]
        var body: [UInt8] = []
        let length = Int.random(in: 0...12_300, using: &generator)
        while body.count < length {
            let run = runs.randomElement(using: &generator)!
            for _ in 0..<Int.random(in: 1...(Bool.random(using: &generator) ? 3 : 400), using: &generator) { body += run }
        }
        return body
    }

    @Test("§3.4.3, §3.4.4: both body canonicalizations made in pieces equal the whole-body rule on 3 000 random bodies of up to 12 KB")
    func piecesMatchWholeBody() {
        var generator = SeededGenerator(state: 15)
        for _ in 0..<3_000 {
            let body = Self.randomBody(&generator)
            for canonicalization in Canonicalization.allCases {
                #expect(canonicalization.canonicalize(body: body) == Self.reference(canonicalization, body), "\(canonicalization) \(body.count) octets")
            }
        }
    }

    @Test("§3.4.4: a CR at every position around the end of the first piece, and a body of 5 000 empty lines, as the whole-body rule")
    func pieceBoundaries() {
        for offset in 4_040...4_110 {
            for tail in [[0x0D, 0x0A], [0x0D, 0x0D, 0x0A], [0x20, 0x0D, 0x0A, 0x0D, 0x0A], [0x0D]] as [[UInt8]] {
                let body = [UInt8](repeating: 0x61, count: offset) + tail + Array("x\r\n\r\n \r\n".utf8)
                for canonicalization in Canonicalization.allCases {
                    #expect(canonicalization.canonicalize(body: body) == Self.reference(canonicalization, body), "\(offset) \(tail)")
                }
            }
        }
        let emptyLines = [UInt8](repeating: 0, count: 10_000).indices.map { $0 % 2 == 0 ? UInt8(0x0D) : 0x0A }
        for body in [emptyLines, Array("text".utf8) + emptyLines, emptyLines + Array("text\r\n".utf8) + emptyLines] {
            for canonicalization in Canonicalization.allCases {
                #expect(canonicalization.canonicalize(body: body) == Self.reference(canonicalization, body))
            }
        }
    }

    @Test("§3.5 l=: the streamed body hash of 600 random bodies equals SHA-256 of the first l= octets of the whole canonical body, nil past its end")
    func streamedHashWithLength() {
        var generator = SeededGenerator(state: 8301)
        for _ in 0..<600 {
            let body = Self.randomBody(&generator)
            let hashes = BodyHashes(body: body[...])
            for canonicalization in Canonicalization.allCases {
                let canonical = Self.reference(canonicalization, body)
                for length in [nil, 0, canonical.count, canonical.count + 1, Int.random(in: 0...(canonical.count + 2), using: &generator)] {
                    let expected = length.map { $0 <= canonical.count ? Array(SHA256.hash(data: canonical[..<$0])) : nil }
                        ?? Array(SHA256.hash(data: canonical))
                    #expect(hashes.hash(canonicalization, length: length) == expected, "\(canonicalization) l=\(length ?? -1)")
                }
            }
        }
    }

    @Test("§2.4: b= and bh= read from octets equal Foundation's base64 on 30 000 random values, folding white space included")
    func base64MatchesFoundation() {
        var generator = SeededGenerator(state: 2045)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let others = Array("= \t\r\n-_.".utf8)
        for _ in 0..<30_000 {
            let length = Int.random(in: 0...24, using: &generator)
            var value = (0..<length).map { _ in
                Int.random(in: 0..<10, using: &generator) < 8 ? alphabet.randomElement(using: &generator)! : others.randomElement(using: &generator)!
            }
            if Bool.random(using: &generator) {  // mostly well formed: whole groups, then padding
                value = Array(value.filter { alphabet.contains($0) }.prefix(length / 4 * 4))
                value += Array("==".utf8.prefix(Int.random(in: 0...2, using: &generator)))
                if value.count > 3, Bool.random(using: &generator) { value.insert(0x20, at: Int.random(in: 0..<value.count, using: &generator)) }
            }
            #expect(Base64Octets.decode(value[...]) == Base64Octets.decodeWithFoundation(value[...]), "\(String(decoding: value, as: UTF8.self))")
        }
    }

    @Test("§2.4: b= values of up to 400 characters, half of them folded, decode the same with AVX2 chunks, without them, and with Foundation (20 000 seeded values)")
    func base64ChunksMatchPortable() {
        var generator = SeededGenerator(state: 4648)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let others = Array("= \t\r\n-_.\u{0}\u{7F}".utf8) + [0x80, 0xC3, 0xFF]
        var decodedWithChunks = 0
        var foldedWellFormed = 0
        for _ in 0..<20_000 {
            // Whole groups of the alphabet (every character once in a while), then padding, then now and then one
            // character from elsewhere at a random place: the chunks end there.
            let groups = Int.random(in: 0...100, using: &generator)
            var value = (0..<(groups * 4)).map { _ in alphabet.randomElement(using: &generator)! }
            value += Array("==".utf8.prefix(groups > 0 ? Int.random(in: 0...2, using: &generator) : 0))
            if !value.isEmpty, Int.random(in: 0..<3, using: &generator) == 0 {
                value[Int.random(in: 0..<value.count, using: &generator)] = others.randomElement(using: &generator)!
            }
            let folded = value.count > 32 && Bool.random(using: &generator)
            if folded {  // past the first chunk, as signers fold b=
                for _ in 0..<Int.random(in: 1...6, using: &generator) {
                    value.insert(contentsOf: [[13, 10, 9], [32], [13, 10, 32, 32]].randomElement(using: &generator)!,
                                 at: Int.random(in: 32..<value.count, using: &generator))
                }
            }
            let portable = Base64Octets.decode(value[...], vectors: .portable)
            #expect(Base64Octets.decode(value[...], vectors: .best) == portable, "\(String(decoding: value, as: UTF8.self))")
            #expect(portable == Base64Octets.decodeWithFoundation(value[...]), "\(String(decoding: value, as: UTF8.self))")
            if value.count >= 32, value.prefix(32).allSatisfy(alphabet.contains) { decodedWithChunks += 1 }
            if folded, portable != nil { foldedWellFormed += 1 }
        }
        // Counted for this seed: values whose first chunk the AVX2 code decodes, and folded values that are base64.
        #expect(decodedWithChunks == 17_058)
        #expect(foldedWellFormed == 6_829)
    }

    @Test("§3.4.2: header names lower-cased from octets equal the name lower-cased as text, for 5 000 random names, invalid UTF-8 included")
    func lowercasedNames() throws {
        var generator = SeededGenerator(state: 5322)
        let octets: [UInt8] = Array("AZaz09-_ \t".utf8) + [0xC3, 0xA9, 0xFF, 0x80]
        for _ in 0..<5_000 {
            let name = (0..<Int.random(in: 1...20, using: &generator)).map { _ in octets.randomElement(using: &generator)! }
            guard let field = HeaderField(raw: name + Array(":value".utf8)) else { continue }
            #expect(field.lowercasedName == field.name.asciiLowercased, "\(name)")
        }
    }

    @Test("Bare LF read as CRLF: an LF without a CR before it, looked for sixteen octets at a time (and 64 with AVX2), found as by the octet-by-octet rule in 5 000 random messages")
    func bareLineFeeds() {
        var generator = SeededGenerator(state: 5321)
        // Mostly CRLF, text and lone CRs; a lone LF in about half of the messages, anywhere.
        let runs: [[UInt8]] = Array(repeating: [0x0D, 0x0A], count: 20) + Array(repeating: Array("text ".utf8), count: 20) + [[0x0D], [0x0A]]
        for index in 0..<5_000 {
            let bytes = (0..<Int.random(in: 0...(index % 2 == 0 ? 60 : 600), using: &generator)).flatMap { _ in runs.randomElement(using: &generator)! }
            let expected = bytes.indices.contains { bytes[$0] == 0x0A && ($0 == 0 || bytes[$0 - 1] != 0x0D) }
            for vectors in VectorUnit.available {
                #expect(bytes.withUnsafeBufferPointer { DKIMMessage.hasBareLineFeed($0, vectors: vectors) } == expected, "\(bytes)")
            }
        }
    }

    @Test("§3.4.4: the relaxed body pass with AVX2 (32 octets at a time) and AVX-512 (64) equals the portable pass (16) and the octet-by-octet rule on 4 000 random bodies, bare LF found alike")
    func relaxedVectorsMatchPortable() {
        var generator = SeededGenerator(state: 2_256)
        var bareCount = 0
        let octets: [UInt8] = [0x20, 0x20, 0x09, 0x0D, 0x0A, 0x61, 0x62, 0xFF]
        // Text with a few double spaces and no tab (the chunks the AVX2 code closes up by storing again).
        let text: [UInt8] = Array(repeating: 0x61, count: 12) + [0x20, 0x20, 0x20, 0x0D, 0x0A]
        for index in 0..<4_000 {
            // Runs of text, white space and line ends across pieces, or octets drawn one by one (every mix of dropped
            // and kept octets in a chunk).
            let alphabet = index % 3 == 1 ? octets : text
            var body = index % 3 == 0 ? Self.randomBody(&generator)
                : (0..<Int.random(in: 0...9_000, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            if index % 2 == 1 {
                // CRLF form (a CR before every LF), then half the time one bare LF anywhere, the first octet included.
                body = body.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
                if Bool.random(using: &generator) {
                    let at = Int.random(in: 0...body.count, using: &generator)
                    body.insert(contentsOf: at == 0 ? [0x0A] : [0x78, 0x0A], at: at)
                }
            }
            var portable: [UInt8] = []
            var foundPortable = false
            Canonicalization.relaxed.canonicalize(body: body[...], vectors: .portable, findingBareLineFeed: true,
                                                  found: &foundPortable) { portable.append(contentsOf: $0) }
            // Bare LF, looked for by the vector chunks while they read, and first by the portable pass: the octet rule.
            let bare = body.indices.contains { body[$0] == 0x0A && ($0 == 0 || body[$0 - 1] != 0x0D) }
            #expect(foundPortable == bare, "\(body.count) octets")
            for vectors in VectorUnit.available where vectors != .portable {
                var vectorized: [UInt8] = []
                var foundVectorized = false
                Canonicalization.relaxed.canonicalize(body: body[...], vectors: vectors, findingBareLineFeed: true,
                                                      found: &foundVectorized) { vectorized.append(contentsOf: $0) }
                #expect(vectorized == portable, "\(vectors), \(body.count) octets")
                #expect(foundVectorized == bare, "\(vectors), \(body.count) octets")
            }
            bareCount += bare ? 1 : 0
            #expect(portable == VerificationMemoTests.relaxedReference(body), "\(body.count) octets")
        }
        #expect(bareCount == 2_879)  // the bodies with a bare LF, counted by the octet rule: both cases are many
    }

    @Test("The vector scans are used exactly as /proc/cpuinfo lists avx2 and avx512f, avx512bw, avx512_vbmi2, so the comparisons above compare every path this CPU has")
    func vectorsWhereTheCPUHasThem() throws {
        #if arch(x86_64) && os(Linux)
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = Set(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }.map { $0.split(separator: " ").map(String.init) } ?? [])
        let expected: VectorUnit = !flags.contains("avx2") ? .portable
            : flags.isSuperset(of: ["avx512f", "avx512bw", "avx512_vbmi2"]) ? .avx512 : .avx2
        #expect(VectorUnit.best == expected)
        #endif
    }

    /// RFC 6376 §3.4.2 octet by octet, as the library wrote it before it copied runs: the reference.
    static func relaxedHeaderReference(_ raw: [UInt8], colon: Int) -> [UInt8] {
        var end = colon
        while end > 0, raw[end - 1] == 0x20 || raw[end - 1] == 0x09 { end -= 1 }
        var out = raw[..<end].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 } + [0x3A]
        var pendingSpace = false
        var started = false
        for byte in raw[(colon + 1)...] {
            if byte == 0x0D || byte == 0x0A { continue }
            if byte == 0x20 || byte == 0x09 {
                pendingSpace = started
                continue
            }
            if pendingSpace { out.append(0x20) }
            pendingSpace = false
            started = true
            out.append(byte)
        }
        return out
    }

    @Test("§3.4.2, §3.7: relaxed header fields (sixteen octets at a time where they are plain text, 64 at a time with AVX-512) equal the octet-by-octet rule on 20 000 random fields, whole and with a run left out as b= is")
    func relaxedHeaders() {
        var generator = SeededGenerator(state: 6376_342)
        let octets: [UInt8] = Array("aB; =\t\r\n".utf8) + [0x20, 0x20, 0x80]
        // Text with single and some double spaces, and folds now and then.
        let text: [[UInt8]] = Array("abcdefghij<@>.;=".utf8).map { [$0] } + [[0x20], [0x20], [0x20]] + [[0x0D, 0x0A, 0x09], [0x0D, 0x0A, 0x20]]
        for index in 0..<20_000 {
            let value = index % 2 == 0 ? (0..<Int.random(in: 0...120, using: &generator)).map { _ in octets.randomElement(using: &generator)! }
                : (0..<Int.random(in: 0...200, using: &generator)).flatMap { _ in
                    // A fold in about one piece of forty.
                    text[Int.random(in: 0..<(Int.random(in: 0..<20, using: &generator) == 0 ? text.count : text.count - 2), using: &generator)]
                }
            let raw = Array("X-Name \t".utf8) + [0x3A] + value
            let lower = Int.random(in: 9...raw.count, using: &generator)
            let upper = Int.random(in: lower...raw.count, using: &generator)
            for vectors in VectorUnit.available {
                var out: [UInt8] = []
                Canonicalization.relaxed.canonicalize(raw: raw[...], colonIndex: 8, vectors: vectors, into: &out)
                #expect(out == Self.relaxedHeaderReference(raw, colon: 8), "\(vectors): \(value)")
                var omitting: [UInt8] = []
                Canonicalization.relaxed.canonicalize(raw: raw[...], colonIndex: 8, omitting: lower..<upper, vectors: vectors, into: &omitting)
                #expect(omitting == Self.relaxedHeaderReference(Array(raw[..<lower] + raw[upper...]), colon: 8),
                        "\(vectors): \(value) without \(lower)..<\(upper)")
            }
        }
    }

    /// Names made of ASCII letters of both cases, digits, `-`, a backtick, WSP, and non-ASCII octets: `é`, U+1FEF (which
    /// Swift's text equality takes for a backtick), and invalid UTF-8.
    static func randomName(_ generator: inout SeededGenerator, wsp: Bool) -> [UInt8] {
        let pieces: [[UInt8]] = "FfRrOoMm-`0".utf8.map { [$0] } + [[0xC3, 0xA9], [0xE1, 0xBF, 0xAF], [0xFF]] + (wsp ? [[0x20], [0x09]] : [])
        return (0..<Int.random(in: 1...6, using: &generator)).flatMap { _ in pieces.randomElement(using: &generator)! }
    }

    @Test("§5.4.2: header names compared where they sit (a folded key, then octets) equal the lower-case names compared as text, for 20 000 random pairs, non-ASCII included")
    func headerNamesCompared() throws {
        var generator = SeededGenerator(state: 542)
        for _ in 0..<20_000 {
            let name = Self.randomName(&generator, wsp: true)
            let prefix = [UInt8](repeating: 0x41, count: Int.random(in: 0...3, using: &generator))  // the field as a slice
            let bytes = prefix + name + Array(": value".utf8)
            guard let field = HeaderField(octets: bytes[prefix.count...]) else { continue }
            let wanted = Bool.random(using: &generator) ? field.lowercasedName : String(decoding: Self.randomName(&generator, wsp: false), as: UTF8.self).asciiLowercased
            let expected = field.lowercasedName == wanted
            #expect(field.isNamed(wanted) == expected, "\(name) \(wanted)")
            #expect(field.isNamed(wanted, key: HeaderField.nameKey(of: wanted)) == expected, "\(name) \(wanted)")
        }
    }

    @Test("§5.4.2: the fields h= signs, chosen from the bottom without a table, equal the choice from a table of lower-case names, for 2 000 random headers and h= lists written in any case with folding white space")
    func headerInstancesChosen() throws {
        var generator = SeededGenerator(state: 5_420)
        var expectedCount = 0
        var repeatedCount = 0
        for _ in 0..<2_000 {
            // Names from a pool of four, so a name often has several instances.
            let pool = (0..<4).map { _ in Self.randomName(&generator, wsp: true) }
            let headers = (0..<Int.random(in: 0...12, using: &generator)).compactMap { n in
                HeaderField(raw: pool.randomElement(using: &generator)! + Array(": \(n)".utf8))
            }
            // A table searched by text equality, not hashed: the order of a dictionary's keys changes from run to run,
            // and the counts below are exact.
            var table: [(name: String, positions: [Int])] = []
            func instances(_ name: String) -> [Int] { table.first { $0.name == name }?.positions ?? [] }
            for (position, field) in headers.enumerated() {
                if let entry = table.firstIndex(where: { $0.name == field.lowercasedName }) {
                    table[entry].positions.append(position)
                } else {
                    table.append((field.lowercasedName, [position]))
                }
            }
            let index = HeaderIndex(headers)
            let names = table.map(\.name).shuffled(using: &generator).prefix(3) + ["from", String(decoding: [0x60], as: UTF8.self)]
            for name in names {
                #expect(index.fields(named: name) == instances(name).map { headers[$0] })
                #expect(index.count(named: name) == instances(name).count)
            }
            // h=: each name up to three times, in random ASCII case, with folding white space put anywhere in it.
            let listed: [[UInt8]] = (0..<Int.random(in: 1...8, using: &generator)).map { _ in
                Array(names.randomElement(using: &generator)!.utf8).flatMap { octet -> [UInt8] in
                    let cased = octet >= 0x61 && octet <= 0x7A && Bool.random(using: &generator) ? octet - 0x20 : octet
                    let space: [[UInt8]] = [[], [], [], [0x20], [0x09], [0x0D, 0x0A, 0x20]]
                    return space.randomElement(using: &generator)! + [cased]
                }
            }
            var chosen: [Int] = []
            index.forEachSigned(SignedHeaderNames(octets: Array(listed.joined(separator: [0x3A]))[...])) { chosen.append($0) }
            var expected: [Int] = []
            var taken: [String] = []
            for name in listed {
                let text = String(decoding: name.filter { ![0x20, 0x09, 0x0D, 0x0A].contains($0) }
                    .map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
                let fields = instances(text)
                let used = taken.filter { $0 == text }.count
                if used < fields.count { expected.append(fields[fields.count - 1 - used]) }
                repeatedCount += used > 0 && used < fields.count ? 1 : 0
                taken.append(text)
            }
            #expect(chosen == expected, "\(listed) in \(headers.map(\.name))")
            expectedCount += expected.count
        }
        // What the seeded lists exercise, counted by the table: fields chosen, and of those a second or later instance.
        #expect(expectedCount == 2_813)
        #expect(repeatedCount == 629)
    }

    @Test("RFC 5322 §2.2: fields and body read as slices of the message equal the fields and body it was written from, for 2 000 random messages")
    func messageSlices() throws {
        var generator = SeededGenerator(state: 5_322_22)
        for _ in 0..<2_000 {
            let fields = (0..<Int.random(in: 1...8, using: &generator)).map { n -> [UInt8] in
                let folds = (0..<Int.random(in: 0...2, using: &generator)).flatMap { _ in Array("\r\n\t more".utf8) }
                return Array("X-Field\(n): value".utf8) + folds
            }
            let body = Array(String(repeating: "line  \r\n", count: Int.random(in: 0...3, using: &generator)).utf8)
                + (Bool.random(using: &generator) ? Array("no final line end".utf8) : [])
            let message = try DKIMMessage(parsing: fields.flatMap { $0 + [0x0D, 0x0A] } + [0x0D, 0x0A] + body)
            #expect(message.headers.map(\.raw) == fields)
            #expect(message.headers.map(\.name) == fields.indices.map { "X-Field\($0)" })
            #expect(message.body == (body.isEmpty || body.last == 0x0A ? body : body + [0x0D, 0x0A]))
        }
    }

    @Test("§3.2: runs of tag-value characters found sixteen octets at a time end where the octet-by-octet rule ends them, in 10 000 random values")
    func valueCharacterRuns() {
        var generator = SeededGenerator(state: 6376_32)
        let octets: [UInt8] = Array(repeating: 0x61, count: 40) + [0x20, 0x21, 0x3A, 0x3B, 0x3C, 0x7E, 0x7F, 0x80, 0xFF, 0x0D, 0x0A, 0x09, 0x00]
        for _ in 0..<10_000 {
            let input = (0..<Int.random(in: 0...100, using: &generator)).map { _ in octets.randomElement(using: &generator)! }
            let start = Int.random(in: 0...input.count, using: &generator)
            var expected = start
            while expected < input.count, input[expected] >= 0x21, input[expected] <= 0x7E, input[expected] != 0x3B { expected += 1 }
            #expect(input.withUnsafeBufferPointer { TagList.endOfValueCharacters($0, from: start) } == expected, "\(input) from \(start)")
        }
    }
}
