/// Punycode (RFC 3492): the Bootstring encoding that IDNA uses to write a Unicode label as an A-label
/// (`bücher` ↔ `bcher-kva`, written `xn--bcher-kva` in DNS). Basic code points are copied as they are (case
/// included); mixed-case annotations (§A) are neither produced nor interpreted.
public enum Punycode {
    // Bootstring parameters for Punycode (RFC 3492 §5).
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 0x80
    private static let delimiter: UInt8 = 0x2D  // "-"
    /// The largest integer the algorithm may reach (RFC 3492 §6.4 assumes at least 26 bits; we use 32, as its
    /// sample implementation does): beyond it, decoding fails with `.overflow`.
    private static let maxInt = Int(UInt32.max)
    /// The longest input `decode` accepts and the longest input and output `encode` handles, in characters or code
    /// points. Bounds the quadratic work on hostile input; IDNA's own limit (63 octets per A-label) is checked by
    /// the caller, since RFC 3492's samples reach 68 characters.
    public static let maximumLength = 256

    /// Encodes a string (RFC 3492 §6.3).
    public static func encode(_ input: String) throws(PunycodeError) -> String {
        let points = input.unicodeScalars.map { Int($0.value) }
        guard points.count <= maximumLength else { throw PunycodeError(.tooLong, "more than \(maximumLength) code points") }
        var output: [UInt8] = points.filter { $0 < initialN }.map { UInt8($0) }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append(delimiter) }
        var n = initialN, delta = 0, bias = initialBias
        while handled < points.count {
            guard let m = points.filter({ $0 >= n }).min() else { break }
            guard m - n <= (maxInt - delta) / (handled + 1) else { throw PunycodeError(.overflow, "delta overflows") }
            delta += (m - n) * (handled + 1)
            n = m
            for point in points {
                if point < n {
                    delta += 1
                    guard delta <= maxInt else { throw PunycodeError(.overflow, "delta overflows") }
                }
                guard point == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = threshold(k, bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta, handled + 1, first: handled == basicCount)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        guard output.count <= maximumLength else { throw PunycodeError(.tooLong, "the encoding is longer than \(maximumLength) characters") }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes a string (RFC 3492 §6.2). Digits are case-insensitive; basic code points keep their case.
    public static func decode(_ input: String) throws(PunycodeError) -> String {
        let bytes = Array(input.utf8)
        guard bytes.count <= maximumLength else { throw PunycodeError(.tooLong, "more than \(maximumLength) characters") }
        guard bytes.allSatisfy({ $0 < 0x80 }) else { throw PunycodeError(.nonBasic, "non-ASCII input") }
        var output: [Int] = []
        var position = 0
        if let last = bytes.lastIndex(of: delimiter) {
            output = bytes[..<last].map { Int($0) }
            position = last + 1
        }
        var n = initialN, i = 0, bias = initialBias
        while position < bytes.count {
            let oldI = i
            var weight = 1
            var k = base
            while true {
                guard position < bytes.count else { throw PunycodeError(.truncated, "the input ends inside a number") }
                guard let value = digitValue(bytes[position]) else {
                    throw PunycodeError(.invalidDigit, "\"\(Character(Unicode.Scalar(bytes[position])))\" is not a Punycode digit")
                }
                position += 1
                guard value <= (maxInt - i) / weight else { throw PunycodeError(.overflow, "the number overflows") }
                i += value * weight
                let t = threshold(k, bias)
                if value < t { break }
                guard weight <= maxInt / (base - t) else { throw PunycodeError(.overflow, "the weight overflows") }
                weight *= base - t
                k += base
            }
            let count = output.count + 1
            bias = adapt(i - oldI, count, first: oldI == 0)
            guard i / count <= maxInt - n else { throw PunycodeError(.overflow, "the code point overflows") }
            n += i / count
            i %= count
            guard n <= 0x10FFFF, !(0xD800...0xDFFF).contains(n) else {
                throw PunycodeError(.invalidCodePoint, "decodes to U+\(String(n, radix: 16, uppercase: true)), not a Unicode scalar")
            }
            output.insert(n, at: i)
            i += 1
        }
        var text = String.UnicodeScalarView()
        for point in output {
            guard let scalar = Unicode.Scalar(UInt32(point)) else { throw PunycodeError(.invalidCodePoint, "not a Unicode scalar") }
            text.append(scalar)
        }
        return String(text)
    }

    private static func threshold(_ k: Int, _ bias: Int) -> Int {
        k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
    }

    /// Bias adaptation (RFC 3492 §6.1).
    private static func adapt(_ delta: Int, _ points: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    /// 0–25 → a–z, 26–35 → 0–9 (§5).
    private static func digit(_ value: Int) -> UInt8 {
        value < 26 ? UInt8(0x61 + value) : UInt8(0x30 + value - 26)
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte) - 0x30 + 26
        case 0x41...0x5A: Int(byte) - 0x41
        case 0x61...0x7A: Int(byte) - 0x61
        default: nil
        }
    }
}

/// Why Punycode could not decode or encode a string.
public struct PunycodeError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// Longer than `Punycode.maximumLength`.
        case tooLong
        /// Decoding met a non-ASCII character.
        case nonBasic
        /// Decoding met a character that is not a base-36 digit.
        case invalidDigit
        /// The input ends inside a variable-length integer.
        case truncated
        /// An integer exceeds the 32-bit range (§6.4).
        case overflow
        /// The result would hold a surrogate or a value above U+10FFFF.
        case invalidCodePoint
    }

    public let code: Code
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "Punycode: \(reason)" }
    public static func == (lhs: PunycodeError, rhs: PunycodeError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
