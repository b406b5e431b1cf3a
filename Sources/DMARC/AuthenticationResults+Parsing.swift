extension AuthenticationResults {
    /// The longest field value read, in octets.
    public static let maximumLength = 16_384
    /// The most results (`resinfo`) in one field.
    public static let maximumResults = 64
    /// The most properties in one result.
    public static let maximumProperties = 32
    /// The deepest nesting of comments.
    public static let maximumCommentDepth = 8

    /// Reads a field value (RFC 8601 §2.2 `authres-payload`), with or without the `Authentication-Results:` name.
    ///
    /// Folding (CRLF or LF before a space or tab) and comments count as white space; values are tokens or quoted
    /// strings (quoted pairs undone). Method, result, ptype and property names are lower-cased (they are
    /// case-insensitive keywords). A final `;` is accepted. Comments are dropped.
    /// - Throws: ``AuthenticationResultsError`` for input outside the grammar or the limits.
    public init(parsing text: String) throws(AuthenticationResultsError) {
        var lexer = try Lexer(Self.payload(of: text))
        guard let id = try lexer.next(), let authservID = id.text else { throw .malformed("no authserv-id") }
        var token = try lexer.next()
        var version: Int?
        if case .word(let digits) = token, let number = Self.number(digits) {
            version = number
            token = try lexer.next()
        }
        var results: [MethodResult] = []
        while token != nil {
            guard token == .semicolon else { throw .malformed("expected \";\" before a result") }
            token = try lexer.next()
            guard let methodToken = token else { break }
            if results.isEmpty, case .word(let word) = methodToken, word.lowercased() == "none" {
                token = try lexer.next()
                if token == .semicolon { token = try lexer.next() }
                guard token == nil else { throw .malformed("text after \"none\"") }
                break
            }
            guard results.count < Self.maximumResults else { throw .limit("more than \(Self.maximumResults) results") }
            var result = try Self.methodSpec(methodToken, &lexer)
            token = try lexer.next()
            while case .word(let first) = token {
                let word = try Self.glued(first, &lexer)
                let (type, name) = Self.propertyName(word)
                guard try lexer.next() == .equals, let value = try lexer.next()?.text else {
                    throw .malformed("\"\(word)\" is not followed by \"=\" and a value")
                }
                if type == "reason" && name == nil && result.reason == nil && result.properties.isEmpty {
                    result.reason = value
                } else if let name {
                    guard result.properties.count < Self.maximumProperties else {
                        throw .limit("more than \(Self.maximumProperties) properties")
                    }
                    result.properties.append(Property(type, name, value))
                } else {
                    throw .malformed("\"\(word)\" is not ptype.property")
                }
                token = try lexer.next()
            }
            results.append(result)
        }
        self.init(authservID: authservID, version: version, results: results)
    }

    /// Whether a field value (with or without the field name) claims to come from `authservID`, compared
    /// case-insensitively. Only the authserv-id is read, so a forged field that is otherwise malformed is still
    /// recognised: RFC 8601 §5 has an MTA remove fields that claim its own authserv-id.
    public static func hasAuthservID(_ authservID: String, in text: String) -> Bool {
        guard var lexer = try? Lexer(payload(of: text)), let first = try? lexer.next(), let id = first.text else { return false }
        return id.lowercased() == authservID.lowercased()
    }

    /// `method [ "/" version ] "=" result`.
    private static func methodSpec(_ first: Token, _ lexer: inout Lexer) throws(AuthenticationResultsError) -> MethodResult {
        guard case .word(let start) = first else { throw .malformed("expected a method") }
        let word = try glued(start, &lexer)
        let parts = word.lowercased().split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard isKeyword(parts[0]) else { throw .malformed("\"\(word)\" is not a method") }
        var methodVersion: Int?
        if parts.count == 2 {
            guard let number = number(parts[1]) else { throw .malformed("\"\(word)\" has no method version") }
            methodVersion = number
        }
        guard try lexer.next() == .equals, case .word(let result)? = try lexer.next(), isKeyword(result[...]) else {
            throw .malformed("\"\(word)\" is not followed by \"=\" and a result")
        }
        return MethodResult(method: String(parts[0]), methodVersion: methodVersion, result: result.lowercased())
    }

    /// A method or property name with the words that white space or comments split off it: the grammar allows CFWS
    /// around the `/` of a method version and the `.` of a property (RFC 8601 §2.2, Appendix B's comment-heavy example).
    /// At most four pieces are joined: `method / version` and `ptype . property` need three.
    private static func glued(_ start: String, _ lexer: inout Lexer) throws(AuthenticationResultsError) -> String {
        var word = start
        for _ in 0..<4 {
            var ahead = lexer
            guard case .word(let next)? = try ahead.next() else { return word }
            let joins = word.hasSuffix("/") || word.hasSuffix(".") || next.hasPrefix("/") || next.hasPrefix(".")
            guard joins else { return word }
            word += next
            lexer = ahead
        }
        return word
    }

    /// `ptype "." property`, lower case; `name` is `nil` without a dot.
    private static func propertyName(_ word: String) -> (String, String?) {
        let lower = word.lowercased()
        guard let dot = lower.firstIndex(of: ".") else { return (lower, nil) }
        let type = String(lower[..<dot]), name = String(lower[lower.index(after: dot)...])
        return isKeyword(type[...]) && isKeyword(name[...]) ? (type, name) : (lower, nil)
    }

    /// RFC 5321 `Keyword` (`Ldh-str`): letters, digits and hyphens, beginning with a letter or digit.
    private static func isKeyword(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, first != 0x2D else { return false }
        return text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D }
    }

    private static func number(_ text: some StringProtocol) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 9, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(text)
    }

    /// The text after `Authentication-Results:` when the field name is there, else the text; limited in length.
    private static func payload(of text: String) throws(AuthenticationResultsError) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard bytes.count <= maximumLength else { throw .limit("longer than \(maximumLength) octets") }
        let name = Array((fieldName + ":").lowercased().utf8)
        if bytes.count >= name.count, bytes.prefix(name.count).map({ $0 | 0x20 }) == name {
            return Array(bytes.dropFirst(name.count))
        }
        return bytes
    }

    enum Token: Equatable {
        case word(String)
        case quoted(String)
        case semicolon
        case equals

        /// The text of a `value` (token or quoted string).
        var text: String? {
            switch self {
            case .word(let text), .quoted(let text): text
            case .semicolon, .equals: nil
            }
        }
    }

    /// Splits a payload into words, quoted strings, `;` and `=`, skipping white space, folding and comments.
    struct Lexer {
        private let bytes: [UInt8]
        private var index = 0

        init(_ bytes: [UInt8]) throws(AuthenticationResultsError) {
            guard !bytes.contains(where: { $0 == 0 }) else { throw .malformed("NUL in the field") }
            self.bytes = bytes
        }

        mutating func next() throws(AuthenticationResultsError) -> Token? {
            try skipSpaceAndComments()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: ";"): index += 1; return .semicolon
            case UInt8(ascii: "="): index += 1; return .equals
            case UInt8(ascii: "\""): return .quoted(try quotedString())
            case UInt8(ascii: ")"): throw .malformed("\")\" outside a comment")
            default:
                let start = index
                while index < bytes.count, !Self.ends(bytes[index]) { index += 1 }
                return .word(String(decoding: bytes[start..<index], as: UTF8.self))
            }
        }

        private static func ends(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "=")
                || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "\"")
        }

        private mutating func skipSpaceAndComments() throws(AuthenticationResultsError) {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0D, 0x0A: index += 1
                case UInt8(ascii: "("): try skipComment()
                default: return
                }
            }
        }

        /// A comment with nested comments and quoted pairs (RFC 5322 §3.2.2).
        private mutating func skipComment() throws(AuthenticationResultsError) {
            var depth = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "("):
                    depth += 1
                    guard depth <= AuthenticationResults.maximumCommentDepth else {
                        throw .limit("comments nested deeper than \(AuthenticationResults.maximumCommentDepth)")
                    }
                case UInt8(ascii: ")"):
                    depth -= 1
                    if depth == 0 { index += 1; return }
                case UInt8(ascii: "\\"): index += 1
                default: break
                }
                index += 1
            }
            throw .malformed("unterminated comment")
        }

        /// A quoted string (RFC 5322 §3.2.4), quoted pairs undone, CR and LF removed (folding).
        private mutating func quotedString() throws(AuthenticationResultsError) -> String {
            index += 1
            var out: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { throw .malformed("unterminated quoted string") }
                    // A quoted line break is still folding, not content.
                    if bytes[index] != 0x0D && bytes[index] != 0x0A { out.append(bytes[index]) }
                    index += 1
                case 0x0D, 0x0A: continue
                default: out.append(byte)
                }
            }
            throw .malformed("unterminated quoted string")
        }
    }
}
