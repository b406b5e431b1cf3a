/// A strict, bounded reader of I-JSON texts (RFC 7493 over RFC 8259).
///
/// Unlike Foundation's `JSONSerialization` it refuses duplicate member names (RFC 7493 §2.3), escaped lone
/// surrogates and noncharacters (§2.1), and input that is not UTF-8. Work is bounded: the input size, the nesting
/// depth and the number of values are capped, and every byte is looked at a bounded number of times.
package struct JSONReader {
    /// The deepest nesting of arrays and objects; a report needs 5.
    package static let maximumDepth = 32
    /// The most values (scalars, arrays, objects) in one text.
    package static let maximumValueCount = 1 << 20
    /// The longest text read.
    package static let maximumSize = 16 << 20

    private let bytes: [UInt8]
    private let depthLimit: Int
    private let valueLimit: Int
    private var index = 0
    private var valueCount = 0

    private init(_ bytes: [UInt8], depthLimit: Int, valueLimit: Int) {
        self.bytes = bytes
        self.depthLimit = depthLimit
        self.valueLimit = valueLimit
    }

    /// Reads one JSON text: a value with optional whitespace around it and nothing else.
    /// - Parameters: `maximumDepth` and `maximumValueCount`: tighter limits for formats smaller than a report.
    package static func read(_ bytes: [UInt8], maximumDepth: Int = maximumDepth,
                             maximumValueCount: Int = maximumValueCount) throws(TLSRPTError) -> JSONValue {
        guard bytes.count <= maximumSize else { throw .tooLarge("the JSON text", maximumSize) }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .notUTF8 }
        var reader = JSONReader(bytes, depthLimit: maximumDepth, valueLimit: maximumValueCount)
        reader.skipWhitespace()
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw .malformedJSON("text after the value", at: reader.index) }
        return value
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func readValue(depth: Int) throws(TLSRPTError) -> JSONValue {
        valueCount += 1
        guard valueCount <= valueLimit else { throw .tooManyValues(valueLimit) }
        guard index < bytes.count else { throw .malformedJSON("unexpected end", at: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
        case UInt8(ascii: "["): return try readArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try readLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try readLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try readLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
        default: throw .malformedJSON("unexpected character", at: index)
        }
    }

    private mutating func readLiteral(_ literal: StaticString) throws(TLSRPTError) {
        let text = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard bytes.count - index >= text.count, bytes[index..<(index + text.count)].elementsEqual(text) else {
            throw .malformedJSON("unexpected character", at: index)
        }
        index += text.count
    }

    private mutating func readObject(depth: Int) throws(TLSRPTError) -> JSONValue {
        guard depth <= depthLimit else { throw .tooDeep(depthLimit) }
        index += 1
        var members: [JSONValue.Member] = []
        var names = Set<[UInt8]>()  // compared code unit by code unit (RFC 8259 §8.3), not by Swift's canonical equivalence
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            let nameOffset = index
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw .malformedJSON("expected a member name", at: index) }
            let name = try readString()
            guard names.insert(Array(name.utf8)).inserted else { throw .duplicateMember(name, at: nameOffset) }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw .malformedJSON("expected \":\"", at: index) }
            index += 1
            skipWhitespace()
            members.append(JSONValue.Member(name, try readValue(depth: depth)))
            skipWhitespace()
            guard index < bytes.count else { throw .malformedJSON("unexpected end", at: index) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            } else {
                throw .malformedJSON("expected \",\" or \"}\"", at: index)
            }
        }
    }

    private mutating func readArray(depth: Int) throws(TLSRPTError) -> JSONValue {
        guard depth <= depthLimit else { throw .tooDeep(depthLimit) }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try readValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw .malformedJSON("unexpected end", at: index) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            } else {
                throw .malformedJSON("expected \",\" or \"]\"", at: index)
            }
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` (RFC 8259 §6), returned as text.
    private mutating func readNumber() throws(TLSRPTError) -> String {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw .malformedJSON("expected a digit", at: index) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw .malformedJSON("expected a digit", at: index) }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw .malformedJSON("expected a digit", at: index) }
            skipDigits()
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    private mutating func skipDigits() { while index < bytes.count, isDigit(bytes[index]) { index += 1 } }

    /// A string from its opening quote to its closing one, escapes decoded (RFC 8259 §7).
    private mutating func readString() throws(TLSRPTError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var run = index
        func flush(_ end: Int) {
            scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars)
        }
        while true {
            guard index < bytes.count else { throw .malformedJSON("unterminated string", at: index) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flush(index)
                index += 1
                let text = String(scalars)
                if let bad = text.unicodeScalars.first(where: Self.isNoncharacter) {
                    throw .forbiddenCodePoint("noncharacter U+\(String(bad.value, radix: 16, uppercase: true))", at: index)
                }
                return text
            }
            if byte < 0x20 { throw .malformedJSON("control character in a string", at: index) }
            if byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            flush(index)
            let escape = index
            index += 1
            guard index < bytes.count else { throw .malformedJSON("unterminated string", at: index) }
            let letter = bytes[index]
            index += 1
            switch letter {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"): scalars.append(try readUnicodeEscape(at: escape))
            default: throw .malformedJSON("invalid escape", at: escape)
            }
            run = index
        }
    }

    /// `\uXXXX`, or a surrogate pair `\uD8xx\uDCxx`; a lone surrogate is not I-JSON (RFC 7493 §2.1).
    private mutating func readUnicodeEscape(at escape: Int) throws(TLSRPTError) -> Unicode.Scalar {
        let high = try readHex4(at: escape)
        if (0xDC00...0xDFFF).contains(high) { throw .forbiddenCodePoint("lone surrogate", at: escape) }
        guard (0xD800...0xDBFF).contains(high) else { return Unicode.Scalar(high)! }
        guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
            throw .forbiddenCodePoint("lone surrogate", at: escape)
        }
        index += 2
        let low = try readHex4(at: escape)
        guard (0xDC00...0xDFFF).contains(low) else { throw .forbiddenCodePoint("lone surrogate", at: escape) }
        return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
    }

    private mutating func readHex4(at escape: Int) throws(TLSRPTError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw .malformedJSON("invalid \\u escape", at: escape) }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            guard let digit = hexValue(byte) else { throw .malformedJSON("invalid \\u escape", at: escape) }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }

    private func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// U+FDD0…U+FDEF and the last two code points of every plane (RFC 7493 §2.1, Unicode §23.7).
    private static func isNoncharacter(_ scalar: Unicode.Scalar) -> Bool {
        (0xFDD0...0xFDEF).contains(scalar.value) || scalar.value & 0xFFFE == 0xFFFE
    }
}
