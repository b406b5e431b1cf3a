@testable import Directory
import Testing

/// 10 000 random and mutated addresses through `NormalizedAddress`: none traps, and every accepted one is
/// idempotent (its canonical form is canonical, and so is its display form).
@Suite("Address normalization under mutated input")
struct AddressMutationTests {
    /// SplitMix64: a fixed seed, so a failure is reproducible.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seeds = ["dave@bücher.test", "dave@xn--bcher-kva.test", "josé@provider.test", "jose\u{301}@provider.test",
                        "\"dave.alias\"@bücher.test", "frank+a@provider.test", "Joe.Doe@Example.ORG", "ｄａｖｅ@ｂüｃｈｅｒ.test",
                        "иван@пример.test", "山田たろう@例え.test", "\"a b\\\"c\"@hosted.test", "ΟΔΥΣΣΕΑΣ@ελλάδα.test"]

    /// Pieces that exercise each rule: syntax characters, case, combining marks, invisible characters, lookalikes,
    /// compatibility forms, ACE prefixes, full stops of other scripts.
    static let pieces: [String] = ["@", ".", "\"", "\\", "+", "-", "--", "xn--", "XN--", " ", "a", "Z", "é", "E\u{301}", "\u{301}", "\u{308}",
                                   "\u{200D}", "\u{200C}", "\u{200B}", "\u{FEFF}", "\u{00AD}", "\u{202E}", "\u{2066}", "\u{0430}", "\u{03BF}",
                                   "ｄ", "Ａ", "\u{FB01}", "ß", "ẞ", "İ", "ς", "Σ", "\u{3002}", "\u{FF0E}", "\u{FF61}", "年", "た", "タ", "한",
                                   "\u{0}", "\u{7F}", "\u{85}", "\u{E000}", "\u{10FFFF}", "😀", "\u{1F3FB}", "ǅ", "ﬀ", "Ⅻ", "①", "kva", "9"]

    static func randomScalar(_ rng: inout Generator) -> Unicode.Scalar {
        let ranges: [ClosedRange<UInt32>] = [0x20...0x7E, 0x80...0x24F, 0x300...0x36F, 0x370...0x52F, 0x590...0x6FF, 0x1E00...0x1FFF,
                                             0x2000...0x206F, 0x3000...0x30FF, 0x4E00...0x4FFF, 0xAC00...0xAD00, 0xFB00...0xFFFD, 0x1F300...0x1F6FF]
        let range = ranges.randomElement(using: &rng)!
        return Unicode.Scalar(UInt32.random(in: range, using: &rng)) ?? "x"
    }

    static func mutate(_ text: String, _ rng: inout Generator) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let index = scalars.isEmpty ? 0 : Int.random(in: 0...scalars.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where index < scalars.count: scalars.remove(at: index)
            case 1 where index < scalars.count: scalars[index] = randomScalar(&rng)
            case 2: scalars.insert(contentsOf: pieces.randomElement(using: &rng)!.unicodeScalars, at: index)
            case 3: scalars.insert(randomScalar(&rng), at: index)
            default:
                let upper = String(String.UnicodeScalarView(scalars)).uppercased()
                scalars = Array(upper.unicodeScalars)
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    @Test func tenThousandMutatedAddressesNeverTrapAndNormalizeIdempotently() {
        var rng = Generator(state: 0x5707_CADE)
        var accepted = 0
        var failures: [String] = []
        for round in 0..<10_000 {
            let input: String
            if round % 4 == 3 {
                input = String(String.UnicodeScalarView((0..<Int.random(in: 0...24, using: &rng)).map { _ in
                    Bool.random(using: &rng) ? Self.randomScalar(&rng) : Self.pieces.randomElement(using: &rng)!.unicodeScalars.first!
                })) + "@" + Self.seeds.randomElement(using: &rng)!.split(separator: "@").last!
            } else {
                input = Self.mutate(Self.seeds.randomElement(using: &rng)!, &rng)
            }
            guard let address = try? NormalizedAddress(input) else { continue }
            accepted += 1
            guard let again = try? NormalizedAddress(address.key) else {
                failures.append("canonical form of \(input.debugDescription) refused: \(address.key.debugDescription)")
                continue
            }
            if again.key != address.key || again.wkdHash != address.wkdHash || again.baseKey != address.baseKey || again.unsafety != address.unsafety {
                failures.append("\(input.debugDescription): \(address.key.debugDescription) → \(again.key.debugDescription)")
            }
            if (try? NormalizedAddress(address.display))?.key != address.key {
                failures.append("display of \(input.debugDescription) is another address: \(address.display.debugDescription)")
            }
            if let domain = try? DomainName(address.domain), (try? DomainName(domain.ascii))?.unicode != address.domain {
                failures.append("A-label form of \(address.domain.debugDescription) is another domain: \(domain.ascii)")
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10).joined(separator: "\n"))")
        // The mutations must reach the accepting paths, or the test proves nothing.
        #expect(accepted > 1_000)
    }

    @Test func punycodeRoundTripsRandomLabels() throws {
        var rng = Generator(state: 0xB00C_4E12)
        for _ in 0..<2_000 {
            let label = String(String.UnicodeScalarView((0..<Int.random(in: 1...20, using: &rng)).map { _ in Self.randomScalar(&rng) }))
            guard let encoded = try? Punycode.encode(label) else { continue }
            #expect(try Punycode.decode(encoded) == label)
        }
    }
}
