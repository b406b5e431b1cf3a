import Foundation

/// Base64 values of tag lists (`b=`, `bh=`, RFC 6376 §2.4): folding white space between the characters carries no
/// meaning.
enum Base64Octets {
    /// The decoded octets of `text` with its folding white space left out; nil when it is not base64.
    ///
    /// Well-formed values (the alphabet, then at most two `=` that complete a group of four) are decoded here, in one
    /// pass over the octets; anything else goes to Foundation's `Data(base64Encoded:)`, the rule this library has always
    /// applied, so both paths give the same answer for every input (a test compares them on random values).
    static func decode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        if let decoded = decodeWellFormed(text) { return decoded }
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
    private static func decodeWellFormed(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        sextets.withUnsafeBufferPointer { table -> [UInt8]? in
            var out: [UInt8] = []
            out.reserveCapacity(text.count * 3 / 4)
            var group: UInt32 = 0
            var inGroup = 0
            var padding = 0
            for octet in text {
                if isFoldingWhiteSpace(octet) { continue }
                if octet == UInt8(ascii: "=") {
                    padding += 1
                    continue
                }
                let value = table[Int(octet)]
                guard value != invalid, padding == 0 else { return nil }
                group = group << 6 | UInt32(value)
                inGroup += 1
                if inGroup == 4 {
                    out.append(UInt8(truncatingIfNeeded: group >> 16))
                    out.append(UInt8(truncatingIfNeeded: group >> 8))
                    out.append(UInt8(truncatingIfNeeded: group))
                    group = 0
                    inGroup = 0
                }
            }
            // `=` may only complete the last group: two after two characters, one after three.
            switch (inGroup, padding) {
            case (0, 0):
                break
            case (2, 2):
                out.append(UInt8(truncatingIfNeeded: group >> 4))
            case (3, 1):
                out.append(UInt8(truncatingIfNeeded: group >> 10))
                out.append(UInt8(truncatingIfNeeded: group >> 2))
            default:
                return nil
            }
            return out
        }
    }
}
