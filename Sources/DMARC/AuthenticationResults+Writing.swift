extension AuthenticationResults {
    /// The field value on one line: `authserv-id; method=result reason="…" ptype.property=value; …`, or
    /// `authserv-id; none` without results (RFC 8601 §2.2). Values that are neither a token nor, for properties, a
    /// domain name or `local-part@domain` are written as quoted strings.
    public var value: String {
        resinfos.isEmpty ? Self.head(self) + "; none" : ([Self.head(self)] + resinfos).joined(separator: "; ")
    }

    /// The whole field, `Authentication-Results: ` and the value, folded before each result with `lineEnding` and a tab.
    public func field(lineEnding: String = "\r\n") -> String {
        guard !resinfos.isEmpty else { return "\(Self.fieldName): \(value)" }
        return "\(Self.fieldName): " + ([Self.head(self)] + resinfos).joined(separator: ";" + lineEnding + "\t")
    }

    private static func head(_ field: AuthenticationResults) -> String {
        quotedIfNeeded(field.authservID) + (field.version.map { " \($0)" } ?? "")
    }

    private var resinfos: [String] {
        results.map { result in
            var words = [result.method + (result.methodVersion.map { "/\($0)" } ?? "") + "=" + result.result]
            if let comment = result.comment { words.append("(" + Self.escapedComment(comment) + ")") }
            if let reason = result.reason { words.append("reason=" + Self.quotedIfNeeded(reason)) }
            words += result.properties.map { "\($0.type).\($0.name)=" + Self.propertyValue($0.value) }
            return words.joined(separator: " ")
        }
    }

    /// `value` (RFC 2045 token / quoted-string).
    static func quotedIfNeeded(_ text: String) -> String {
        Grammar.isToken(text) ? text : quoted(text)
    }

    /// `pvalue` (RFC 8601 §2.2): a token, a domain name or `[local-part] "@" domain-name` as they are; else quoted.
    private static func propertyValue(_ text: String) -> String {
        Grammar.isToken(text) || Grammar.isMailboxOrDomain(text) ? text : quoted(text)
    }

    /// Escapes scalar by scalar, as the reader undoes them octet by octet: a backslash or a CR that Swift joins with what
    /// follows into one `Character` (a combining mark, LF) is still escaped or replaced.
    private static func quoted(_ text: String) -> String {
        "\"" + escaped(text, specials: ["\"", "\\"]) + "\""
    }

    private static func escapedComment(_ text: String) -> String {
        escaped(text, specials: ["(", ")", "\\"])
    }

    private static func escaped(_ text: String, specials: Set<Unicode.Scalar>) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if specials.contains(scalar) { out.append("\\") }
            out.append(scalar == "\r" || scalar == "\n" ? " " : scalar)
        }
        return String(out)
    }
}
