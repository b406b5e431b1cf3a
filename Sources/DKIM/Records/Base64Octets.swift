import CDKIMScan
import Foundation

/// Base64 values of tag lists (`b=`, `bh=`, RFC 6376 §2.4): folding white space between the characters carries no
/// meaning.
enum Base64Octets {
    /// The decoded octets of `text` with its folding white space left out; nil when it is not base64.
    ///
    /// Well-formed values (the alphabet, then at most two `=` that complete a group of four) are decoded here, in one
    /// pass over the octets; anything else goes to Foundation's `Data(base64Encoded:)`, the rule this library has always
    /// applied, so both paths give the same answer for every input (a test compares them on random values).
    ///
    /// `vectors` `.portable` keeps to the portable code (tests compare the two).
    static func decode(_ text: ArraySlice<UInt8>, vectors: VectorUnit = .best) -> [UInt8]? {
        if let decoded = decodeWellFormed(text, usingAVX2: vectors >= .avx2) { return decoded }
        let compact = text.filter { !isFoldingWhiteSpace($0) }
        return Data(base64Encoded: String(decoding: compact, as: UTF8.self)).map { Array($0) }
    }

    /// Foundation's rule for every input, without the fast path (for the test that compares the two).
    static func decodeWithFoundation(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        Data(base64Encoded: withoutWhiteSpace(String(decoding: text, as: UTF8.self))).map { Array($0) }
    }

    /// Sextet values by octet; `invalid` for octets outside the alphabet.
    private static let sextets: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, octet) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(octet)] = UInt8(value)
        }
        return table
    }()
    private static let invalid: UInt8 = 0xFF

    /// The decoded octets of a well-formed value; nil for any other (which may still be something Foundation reads).
    ///
    /// With `usingAVX2`, whole chunks of 32 alphabet characters are decoded by `CDKIMScan` (a `b=` value of an RSA-2048
    /// signature is 344 characters), from the start and again after each fold.
    ///
    /// The octets are decoded into temporary room (on the stack for any value up to a 4096-bit RSA signature) and copied
    /// into their array: `Array(unsafeUninitializedCapacity:)` asks the runtime for its storage type on every call, which
    /// costs more than the copy.
    private static func decodeWellFormed(_ text: ArraySlice<UInt8>, usingAVX2: Bool) -> [UInt8]? {
        // 4 octets of room past the decoded ones: the AVX2 chunks store 28 octets for their 24.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: text.count / 4 * 3 + 3 + 4) { out in
            decodeWellFormed(text, usingAVX2: usingAVX2, into: out).map { Array(UnsafeBufferPointer(rebasing: out[..<$0])) }
        }
    }

    /// Decodes a well-formed value into `out` and returns how many octets that took; nil for any other value.
    private static func decodeWellFormed(_ text: ArraySlice<UInt8>, usingAVX2: Bool, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        sextets.withUnsafeBufferPointer { table in
            text.withUnsafeBufferPointer { input in
                var i = 0
                var count = 0
                var group: UInt32 = 0
                var inGroup = 0
                var padding = 0
                // Chunks are tried at the start and at the first group after folding white space (a folded value
                // has a line every 70-odd characters).
                var tryChunks = usingAVX2
                while i < input.count {
                    if tryChunks, inGroup == 0, padding == 0, input.count - i >= 32 {
                        let read = cdkim_base64_chunks_avx2(input.baseAddress! + i, input.count - i, out.baseAddress! + count)
                        i += read
                        count += read / 4 * 3
                        tryChunks = false
                        continue
                    }
                    // A whole group of four alphabet characters at a time, when one starts here (the usual case).
                    if inGroup == 0, padding == 0, i + 4 <= input.count {
                        let a = table[Int(input[i])], b = table[Int(input[i + 1])]
                        let c = table[Int(input[i + 2])], d = table[Int(input[i + 3])]
                        if (a | b | c | d) & 0xC0 == 0 {  // `invalid` has these bits, sextets never
                            let word = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                            out[count] = UInt8(truncatingIfNeeded: word >> 16)
                            out[count + 1] = UInt8(truncatingIfNeeded: word >> 8)
                            out[count + 2] = UInt8(truncatingIfNeeded: word)
                            count += 3
                            i += 4
                            continue
                        }
                    }
                    let octet = input[i]
                    i += 1
                    if isFoldingWhiteSpace(octet) {
                        tryChunks = usingAVX2
                        continue
                    }
                    if octet == UInt8(ascii: "=") {
                        padding += 1
                        continue
                    }
                    let value = table[Int(octet)]
                    guard value != invalid, padding == 0 else { return nil }
                    group = group << 6 | UInt32(value)
                    inGroup += 1
                    if inGroup == 4 {
                        out[count] = UInt8(truncatingIfNeeded: group >> 16)
                        out[count + 1] = UInt8(truncatingIfNeeded: group >> 8)
                        out[count + 2] = UInt8(truncatingIfNeeded: group)
                        count += 3
                        group = 0
                        inGroup = 0
                    }
                }
                // `=` may only complete the last group: two after two characters, one after three.
                switch (inGroup, padding) {
                case (0, 0):
                    break
                case (2, 2):
                    out[count] = UInt8(truncatingIfNeeded: group >> 4)
                    count += 1
                case (3, 1):
                    out[count] = UInt8(truncatingIfNeeded: group >> 10)
                    out[count + 1] = UInt8(truncatingIfNeeded: group >> 2)
                    count += 2
                default:
                    return nil
                }
                return count
            }
        }
    }
}
