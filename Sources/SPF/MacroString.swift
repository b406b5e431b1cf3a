/// A macro-string of RFC 7208 §7.1: literal text and macros such as `%{ir}` or `%{d2}`, kept parsed so a record
/// is checked once and expanded for every message.
public struct MacroString: Sendable, Hashable, CustomStringConvertible {
    /// Where a macro-string stands, which decides the letters and characters it may use.
    public enum Context: Sendable, Hashable {
        /// A `domain-spec` of a mechanism or modifier: no `c`, `r`, `t` letters (§7.1), and it must end in a
        /// top label or a macro (`domain-end`, §12).
        case domainSpec
        /// An unknown modifier's value: any macro-string (§12 `unknown-modifier`).
        case modifierValue
        /// An explanation string fetched for `exp=` (§6.2 `explain-string`): spaces and every letter allowed.
        case explanation
    }

    /// One macro letter (RFC 7208 §7.2).
    public enum Letter: Character, Sendable, Hashable, CaseIterable {
        case sender = "s", localPart = "l", senderDomain = "o", domain = "d", ip = "i", validatedName = "p"
        case version = "v", helo = "h", clientIP = "c", receiver = "r", timestamp = "t"

        /// Letters allowed only in explanation strings (§7.1).
        var isExplanationOnly: Bool { self == .clientIP || self == .receiver || self == .timestamp }
    }

    /// One `%{…}` macro with its transformers and delimiters (§7.1, §7.3).
    public struct Macro: Sendable, Hashable {
        public var letter: Letter
        /// Written in upper case: the expansion is URL-escaped (§7.3).
        public var escaped: Bool
        /// How many right-hand parts to keep; `nil` keeps all.
        public var keep: Int?
        /// Whether the parts are reversed before keeping.
        public var reversed: Bool
        /// The characters the value is split on; `.` when none is written.
        public var delimiters: Set<Character>
    }

    /// A piece of a macro-string.
    public enum Part: Sendable, Hashable {
        case literal(String)
        case macro(Macro)
    }

    /// The longest expanded domain name: longer ones lose labels from the left (§7.3).
    public static let maximumDomainLength = 253
    /// The largest transformer digit kept: a value has at most this many parts anyway (a domain of 253 octets).
    static let maximumKeep = 128

    /// The pieces in order.
    public let parts: [Part]
    /// The text as written.
    public let description: String
    /// The expansion as a domain name when there is no macro to expand (most published records), computed once.
    let literalDomain: String?

    /// Parses `text` in `context`; throws ``SPFError/invalidMacro(_:_:)`` when it breaks §7.1 or §12.
    public init(parsing text: String, context: Context) throws(SPFError) {
        description = text
        var parts: [Part] = []
        var literal = ""
        // The literal characters after the last macro-expand (`%{…}`, `%%`, `%_`, `%-`): the `domain-end` of §12.
        var tail = ""
        var endsWithExpand = false
        var scalars = Array(text.unicodeScalars)[...]
        func fail(_ detail: String) -> SPFError { .invalidMacro(text, detail) }
        while let scalar = scalars.popFirst() {
            guard scalar == "%" else {
                let allowed = (0x21...0x7E).contains(scalar.value) || (context == .explanation && scalar == " ")
                guard allowed else { throw fail("character U+\(String(scalar.value, radix: 16, uppercase: true)) not allowed") }
                literal.unicodeScalars.append(scalar)
                tail.unicodeScalars.append(scalar)
                endsWithExpand = false
                continue
            }
            guard let next = scalars.popFirst() else { throw fail("\"%\" at the end") }
            switch next {
            case "%": literal += "%"
            case "_": literal += " "
            case "-": literal += "%20"
            case "{":
                guard let close = scalars.firstIndex(of: "}") else { throw fail("\"%{\" without \"}\"") }
                let body = String(String.UnicodeScalarView(scalars[..<close]))
                scalars = scalars[scalars.index(after: close)...]
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                parts.append(.macro(try Self.macro(body, context: context, fail: fail)))
            default:
                throw fail("\"%\" followed by \"\(next)\"")
            }
            tail = ""
            endsWithExpand = true
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        if context == .domainSpec, !endsWithExpand, !Self.endsInTopLabel(tail) {
            throw fail("a domain-spec must end in a top label or a macro")
        }
        self.parts = parts
        switch parts.first {
        case nil: literalDomain = Self.domainForQuery("")
        case .literal(let text) where parts.count == 1: literalDomain = Self.domainForQuery(text)
        default: literalDomain = nil
        }
    }

    /// Parses the inside of `%{…}`: letter, transformers (`*DIGIT [ "r" ]`), delimiters (§7.1).
    private static func macro(_ body: String, context: Context, fail: (String) -> SPFError) throws(SPFError) -> Macro {
        var scalars = Array(body.unicodeScalars)[...]
        guard let first = scalars.popFirst(), first.isASCII,
              let letter = Letter(rawValue: Character(String(first).lowercased())) else {
            throw fail("unknown macro letter in %{\(body)}")
        }
        if letter.isExplanationOnly && context != .explanation {
            throw fail("%{\(first)} is allowed only in explanation strings")
        }
        var digits = ""
        while let digit = scalars.first, ("0"..."9").contains(digit) {
            digits.unicodeScalars.append(digit)
            scalars.removeFirst()
        }
        var keep: Int?
        if !digits.isEmpty {
            // A DIGIT transformer MUST be nonzero (§7.3); past maximumKeep every value keeps all its parts.
            let trimmed = digits.drop { $0 == "0" }
            guard !trimmed.isEmpty else { throw fail("transformer 0 in %{\(body)}") }
            keep = trimmed.count > 3 ? maximumKeep : min(Int(trimmed)!, maximumKeep)
        }
        var reversed = false
        if let r = scalars.first, r == "r" || r == "R" {
            reversed = true
            scalars.removeFirst()
        }
        var delimiters: Set<Character> = []
        for scalar in scalars {
            guard ".-+,/_=".unicodeScalars.contains(scalar) else { throw fail("bad delimiter in %{\(body)}") }
            delimiters.insert(Character(scalar))
        }
        return Macro(letter: letter, escaped: first.properties.isUppercase, keep: keep, reversed: reversed,
                     delimiters: delimiters.isEmpty ? ["."] : delimiters)
    }

    /// Whether `text` ends with `"." toplabel [ "." ]` (§12 `domain-end`).
    static func endsInTopLabel(_ text: String) -> Bool {
        var text = Substring(text)
        if text.hasSuffix(".") { text.removeLast() }
        guard let dot = text.lastIndex(of: ".") else { return false }
        return isTopLabel(text[text.index(after: dot)...])
    }

    /// `toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )` (§12).
    static func isTopLabel(_ label: Substring) -> Bool {
        let bytes = Array(label.utf8)
        func isAlphanumeric(_ byte: UInt8) -> Bool { isLetter(byte) || (0x30...0x39).contains(byte) }
        func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last),
              bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") }) else { return false }
        return bytes.contains(UInt8(ascii: "-")) || bytes.contains(where: isLetter)
    }
}
