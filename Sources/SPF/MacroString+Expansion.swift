/// The values the macro letters stand for in one evaluation (RFC 7208 §7.2).
struct MacroValues: Sendable {
    var sender: String
    var localPart: String
    var senderDomain: String
    var domain: String
    var client: ClientAddress
    /// `%{p}`: computed only when a macro-string uses it, since it costs DNS lookups.
    var validatedName: String
    var helo: String
    var receiver: String
    var timestamp: UInt64

    func value(of letter: MacroString.Letter) -> String {
        switch letter {
        case .sender: sender
        case .localPart: localPart
        case .senderDomain: senderDomain
        case .domain: domain
        case .ip: client.dotted
        case .validatedName: validatedName
        case .version: client.version
        case .helo: helo
        case .clientIP: client.description
        case .receiver: receiver
        case .timestamp: String(timestamp)
        }
    }
}

extension MacroString {
    /// Whether expanding needs `%{p}`, the validated domain name that costs DNS lookups.
    var usesValidatedName: Bool {
        parts.contains { if case .macro(let macro) = $0 { macro.letter == .validatedName } else { false } }
    }

    /// The expanded text (RFC 7208 §7.3).
    func expanded(with values: MacroValues) -> String {
        var result = ""
        for part in parts {
            switch part {
            case .literal(let text): result += text
            case .macro(let macro): result += Self.expand(macro, values.value(of: macro.letter))
            }
        }
        return result
    }

    /// The expansion as a domain name for a query: without a final dot, and cut from the left, label by label, to
    /// ``maximumDomainLength`` (§7.3).
    func expandedDomain(with values: MacroValues) -> String {
        Self.domainForQuery(expanded(with: values))
    }

    /// An expansion without its final dot, cut from the left, label by label, to ``maximumDomainLength`` (§7.3).
    static func domainForQuery(_ expansion: String) -> String {
        var name = Substring(expansion)
        if name.hasSuffix(".") { name.removeLast() }
        while name.utf8.count > Self.maximumDomainLength {
            guard let dot = name.firstIndex(of: ".") else { return "" }
            name = name[name.index(after: dot)...]
        }
        return String(name)
    }

    private static func expand(_ macro: Macro, _ value: String) -> String {
        var parts = value.split(omittingEmptySubsequences: false) { macro.delimiters.contains($0) }
        if macro.reversed { parts.reverse() }
        if let keep = macro.keep, keep < parts.count { parts = Array(parts.suffix(keep)) }
        let joined = parts.joined(separator: ".")
        return macro.escaped ? urlEscaped(joined) : joined
    }

    /// Percent-encodes every octet outside RFC 3986's unreserved set (§7.3: upper-case macros are URL-escaped).
    private static func urlEscaped(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-._~".unicodeScalars.contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else {
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }
}
