/// A domain name: a sequence of labels, compared without regard to ASCII case (RFC 4343).
///
/// Names are always absolute. The text form accepts `\.` and `\DDD` escapes (RFC 1035 §5.1) and a missing
/// trailing dot; ``description`` prints the name as dig does, with a trailing dot.
public struct DNSName: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// The longest name in wire form, counting length octets and the root label (RFC 1035 §2.3.4).
    public static let maximumWireLength = 255
    /// The longest label (RFC 1035 §2.3.4).
    public static let maximumLabelLength = 63

    /// The labels, most specific first, without the empty root label.
    public let labels: [[UInt8]]

    /// The root name `.`.
    public static let root = DNSName(validatedLabels: [])

    init(validatedLabels: [[UInt8]]) {
        self.labels = validatedLabels
    }

    /// A name from labels, checked against the length limits.
    public init(labels: [[UInt8]]) throws(DNSError) {
        var length = 1
        for label in labels {
            guard !label.isEmpty else { throw .invalidName(labels.description, "empty label") }
            guard label.count <= Self.maximumLabelLength else { throw .labelTooLong }
            length += label.count + 1
        }
        guard length <= Self.maximumWireLength else { throw .nameTooLong }
        self.labels = labels
    }

    /// A name from its text form, such as `www.example.com` or `www.example.com.`.
    public init(_ text: String) throws(DNSError) {
        if text == "." || text.isEmpty {
            self = .root
            return
        }
        var labels: [[UInt8]] = []
        var current: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        var labelEnded = false
        while let byte = bytes.popFirst() {
            labelEnded = false
            switch byte {
            case UInt8(ascii: "."):
                guard !current.isEmpty else { throw .invalidName(text, "empty label") }
                labels.append(current)
                current = []
                labelEnded = true
            case UInt8(ascii: "\\"):
                guard let next = bytes.popFirst() else { throw .invalidName(text, "dangling backslash") }
                if let hundreds = Self.digit(next) {
                    guard let tens = bytes.popFirst().flatMap(Self.digit), let ones = bytes.popFirst().flatMap(Self.digit) else {
                        throw .invalidName(text, "\\DDD escape needs three digits")
                    }
                    let value = hundreds * 100 + tens * 10 + ones
                    guard value <= 255 else { throw .invalidName(text, "\\DDD escape above 255") }
                    current.append(UInt8(value))
                } else {
                    current.append(next)
                }
            default:
                current.append(byte)
            }
        }
        if !current.isEmpty {
            labels.append(current)
        } else if !labelEnded {
            throw .invalidName(text, "empty label")
        }
        try self.init(labels: labels)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    /// The length of the name in uncompressed wire form.
    public var wireLength: Int { labels.reduce(1) { $0 + $1.count + 1 } }

    /// Whether this is the root name.
    public var isRoot: Bool { labels.isEmpty }

    /// The name with its most specific label removed; the root's parent is the root.
    public var parent: DNSName { labels.isEmpty ? self : DNSName(validatedLabels: Array(labels.dropFirst())) }

    /// This name with `label` prepended, such as `_25._tcp` in front of a host name.
    public func prepending(_ label: String) throws(DNSError) -> DNSName {
        let prefix = try DNSName(label)
        return try DNSName(labels: prefix.labels + labels)
    }

    /// Whether this name equals `other` or lies below it.
    public func isSubdomain(of other: DNSName) -> Bool {
        guard labels.count >= other.labels.count else { return false }
        return DNSName(validatedLabels: Array(labels.suffix(other.labels.count))) == other
    }

    /// The name with ASCII letters lower-cased, the canonical form of RFC 4034 §6.2.
    public var lowercased: DNSName {
        let hasUpperCase = labels.contains { $0.contains { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) } }
        return hasUpperCase ? DNSName(validatedLabels: labels.map { $0.map(Self.lowercase) }) : self
    }

    static func lowercase(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    public static func == (lhs: DNSName, rhs: DNSName) -> Bool {
        guard lhs.labels.count == rhs.labels.count else { return false }
        for (left, right) in zip(lhs.labels, rhs.labels) {
            guard left.count == right.count else { return false }
            for (a, b) in zip(left, right) where lowercase(a) != lowercase(b) {
                return false
            }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        for label in labels {
            hasher.combine(label.count)
            for byte in label { hasher.combine(Self.lowercase(byte)) }
        }
    }

    /// Canonical DNS name order (RFC 4034 §6.1): compare labels from the root down, case-insensitively.
    public static func < (lhs: DNSName, rhs: DNSName) -> Bool {
        for (left, right) in zip(lhs.labels.reversed(), rhs.labels.reversed()) {
            let a = left.map(lowercase), b = right.map(lowercase)
            if a != b { return a.lexicographicallyPrecedes(b) }
        }
        return lhs.labels.count < rhs.labels.count
    }

    /// The presentation form with a trailing dot, escaping as dig does.
    public var description: String {
        guard !labels.isEmpty else { return "." }
        var text = ""
        for label in labels {
            for byte in label {
                switch byte {
                case UInt8(ascii: "."), UInt8(ascii: ";"), UInt8(ascii: "\\"), UInt8(ascii: "("), UInt8(ascii: ")"),
                    UInt8(ascii: "\""), UInt8(ascii: "@"), UInt8(ascii: "$"):
                    text.append("\\")
                    text.append(Character(Unicode.Scalar(byte)))
                case 0x21...0x7E:
                    text.append(Character(Unicode.Scalar(byte)))
                default:
                    text.append(decimalEscape(byte))
                }
            }
            text.append(".")
        }
        return text
    }
}

/// `\DDD`, the escape RFC 1035 §5.1 gives for any octet.
func decimalEscape(_ byte: UInt8) -> String {
    let digits = String(byte)
    return "\\" + String(repeating: "0", count: 3 - digits.count) + digits
}
