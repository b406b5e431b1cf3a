extension MTASTSPolicy {
    /// Reads a policy body (RFC 8461 §3.2).
    ///
    /// The rules, from the `sts-policy-record` grammar and the prose around it:
    /// - At most ``maximumSize`` bytes, UTF-8.
    /// - Lines end in LF or CRLF (the grammar's `sts-policy-term = LF / CRLF`; erratum 6253 fixes the prose, which
    ///   says CRLF only). A lone CR is not a line end: it stays in the line, where it is a control character and
    ///   makes the line invalid.
    /// - Each line is `key: value`: the key starts the line (no leading whitespace, which RFC 5322 would read as a
    ///   folded continuation), is `sts-policy-ext-name`, and is followed directly by `:`; spaces and tabs after the
    ///   colon and at the end of the line are dropped; the value must be non-empty and free of control characters.
    ///   Keys and the values of `version` and `mode` are case-sensitive (`%s"…"` in the grammar).
    /// - Empty or whitespace-only lines are skipped. The grammar has no empty line; accepting a blank line (often a
    ///   trailing one) changes no field's meaning, and refusing it would drop the domain's protection.
    /// - `version: STSv1`, `mode` and `max_age` are required; `mx` is required at least once unless the mode is
    ///   `none`. `max_age` is 1 to 10 digits, no sign, at most ``maximumMaxAge``.
    /// - `mx` may repeat ("each MX MUST have its own "mx:" key"); of any other repeated key the first occurrence
    ///   counts ("all entries except for the first SHALL be ignored"), later ones are only checked to be lines of
    ///   the `key: value` form. Unknown keys are ignored ("unknown fields SHALL be ignored") after the same check.
    ///
    /// - Throws: ``MTASTSError/policyTooLarge(_:)`` for an oversized body, ``MTASTSError/missingField(_:)`` for an
    ///   absent required field, and for a bad line an error whose ``MTASTSError/line`` is its number and whose
    ///   reason names the line and quotes it.
    public init(parsing bytes: [UInt8]) throws(MTASTSError) {
        guard bytes.count <= Self.maximumSize else { throw .policyTooLarge(bytes.count) }

        var version: String?
        var mode: Mode?
        var maxAge: Int?
        var mx: [MXPattern] = []
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        let lastLineEnded = bytes.last == 0x0A
        if lastLineEnded { lines.removeLast() }
        for (offset, rawLine) in lines.enumerated() {
            let number = offset + 1
            // CR belongs to the line end only right before LF (CRLF); anywhere else it is part of the line.
            let endsInLF = offset < lines.count - 1 || lastLineEnded
            let line = endsInLF && rawLine.last == 0x0D ? rawLine.dropLast() : rawLine
            guard let text = String(validating: line, as: UTF8.self) else {
                throw MTASTSError.notUTF8.located(line: number, text: String(decoding: line, as: UTF8.self))
            }
            do throws(MTASTSError) {
                guard let field = try Self.field(line) else { continue }
                let (key, value) = field
                switch key {
                case "version" where version == nil:
                    guard value == Self.version else { throw .unsupportedVersion(value) }
                    version = value
                case "mode" where mode == nil:
                    guard let parsed = Mode(rawValue: value) else { throw .invalidMode(value) }
                    mode = parsed
                case "max_age" where maxAge == nil:
                    maxAge = try Self.maxAge(value)
                case "mx":
                    mx.append(try MXPattern(value))
                default:
                    continue
                }
            } catch {
                throw error.located(line: number, text: text)
            }
        }
        guard version != nil else { throw .missingField("version") }
        guard let mode else { throw .missingField("mode") }
        guard let maxAge else { throw .missingField("max_age") }
        guard !mx.isEmpty || mode == .none else { throw .missingField("mx") }
        self.mode = mode
        self.maxAge = maxAge
        self.mx = mx
        self.originalText = String(decoding: bytes, as: UTF8.self)
    }

    /// Splits one line (without its line end) into key and value, or `nil` for a blank line.
    private static func field(_ line: ArraySlice<UInt8>) throws(MTASTSError) -> (String, String)? {
        guard line.contains(where: { !Grammar.isWhitespace($0) }) else { return nil }
        guard let first = line.first, !Grammar.isWhitespace(first) else {
            throw .malformedLine("the line starts with whitespace")
        }
        guard let colon = line.firstIndex(of: 0x3A) else { throw .malformedLine("no \":\" between key and value") }
        let key = line[..<colon]
        guard Grammar.isFieldName(key) else {
            throw .malformedLine("the key is not 1 to 32 letters, digits, \"_\", \"-\" or \".\" starting with a letter or digit, directly followed by \":\"")
        }
        var value = line[(colon + 1)...]
        while let byte = value.first, Grammar.isWhitespace(byte) { value.removeFirst() }
        while let byte = value.last, Grammar.isWhitespace(byte) { value.removeLast() }
        guard !value.isEmpty else { throw .malformedLine("the value is empty") }
        guard !value.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw .malformedLine("the value has a control character")
        }
        return (String(decoding: key, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    /// `sts-policy-max-age-value = 1*10(DIGIT)`, at most ``maximumMaxAge`` (RFC 8461 §3.2).
    private static func maxAge(_ value: String) throws(MTASTSError) -> Int {
        let digits = value.utf8
        guard (1...maximumMaxAgeDigits).contains(digits.count), digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .invalidMaxAge(value)
        }
        let seconds = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        guard seconds <= maximumMaxAge else { throw .invalidMaxAge(value) }
        return seconds
    }
}
