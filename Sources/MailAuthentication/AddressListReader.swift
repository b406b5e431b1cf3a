/// Reads the domains of an RFC 5322 §3.4 address list (a From field's value): mailboxes `local@domain` or
/// `Display Name <local@domain>`, groups `name: a@x, b@y;`, comments (nested up to ``maximumCommentDepth``), quoted
/// strings, and folding whitespace. Obsolete routes (`<@relay:local@domain>`) are skipped to the real address.
struct AddressListReader {
    struct Malformed: Error {
        let reason: String
    }

    static let maximumCommentDepth = 8

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The domain of the next mailbox, lower-cased without a final dot; nil at the end of the list.
    mutating func nextDomain() throws(Malformed) -> String? {
        while true {
            var word: [UInt8] = []  // the current mailbox's text outside comments, quotes kept as their content
            var angle: [UInt8]?
            scanning: while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "("):
                    try skipComment()
                    continue
                case UInt8(ascii: "\""):
                    word += try quotedString()
                    continue
                case UInt8(ascii: "<"):
                    index += 1
                    guard let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else { throw Malformed(reason: "an unclosed <") }
                    angle = Array(bytes[index..<close])
                    index = close + 1
                    continue
                case UInt8(ascii: ":") where angle == nil:
                    word = []  // a group's name
                case UInt8(ascii: ","), UInt8(ascii: ";"):
                    index += 1
                    break scanning
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                    break
                default:
                    word.append(byte)
                }
                index += 1
            }
            let address = angle ?? word
            if address.isEmpty {
                if index >= bytes.count { return nil }
                continue  // an empty element: `a@x,,b@y` or the end of an empty group
            }
            return try Self.domain(of: address)
        }
    }

    private static func domain(of address: [UInt8]) throws(Malformed) -> String {
        var spec = address
        if spec.first == UInt8(ascii: "@"), let colon = spec.firstIndex(of: UInt8(ascii: ":")) {
            spec = Array(spec[(colon + 1)...])  // obs-route
        }
        guard let at = spec.lastIndex(of: UInt8(ascii: "@")), at > 0 else {
            throw Malformed(reason: "\(String(decoding: spec.prefix(64), as: UTF8.self).debugDescription) has no local part and domain")
        }
        var domain = Array(spec[(at + 1)...])
        if domain.last == UInt8(ascii: ".") { domain.removeLast() }
        guard !domain.isEmpty, domain.first != UInt8(ascii: "["),
              domain.allSatisfy({ $0 >= 0x80 || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || (0x30...0x39).contains($0)
                  || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == UInt8(ascii: "_") })
        else {
            throw Malformed(reason: "\(String(decoding: domain.prefix(64), as: UTF8.self).debugDescription) is not a domain name")
        }
        return String(decoding: domain.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    private mutating func skipComment() throws(Malformed) {
        var depth = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 1
            case UInt8(ascii: "("):
                depth += 1
                guard depth <= Self.maximumCommentDepth else { throw Malformed(reason: "comments nested deeper than \(Self.maximumCommentDepth)") }
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 {
                    index += 1
                    return
                }
            default: break
            }
            index += 1
        }
        throw Malformed(reason: "an unclosed comment")
    }

    private mutating func quotedString() throws(Malformed) -> [UInt8] {
        var content: [UInt8] = []
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"):
                index += 1
                if index < bytes.count { content.append(bytes[index]) }
            case UInt8(ascii: "\""):
                index += 1
                return content
            default:
                content.append(bytes[index])
            }
            index += 1
        }
        throw Malformed(reason: "an unclosed quoted string")
    }
}
