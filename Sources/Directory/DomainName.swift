import Foundation

/// A domain name in the one form the directory stores and compares: IDNA2008 U-labels (RFC 5890 §2.3.2.1) after
/// the UTS #46 mapping, lower-case; ASCII labels stay as they are, lower-case. `xn--bcher-kva.test`,
/// `BÜCHER.test`, `bücher.test` and `ｂüｃｈｅｒ.test` are all `bücher.test`; `ascii` holds the A-label form
/// (`xn--bcher-kva.test`) that DNS and HTTP use.
///
/// The mapping is a reduction of UTS #46 §4 (nontransitional): NFKC (which folds fullwidth and other compatibility
/// forms), full Unicode lower-casing, NFC again, and the ideographic full stops U+3002, U+FF0E, U+FF61 as dots.
/// Labels are then validated: not empty, no leading or trailing hyphen, no `--` in positions 3–4 unless the label
/// is an `xn--` A-label, ASCII labels only letters, digits and hyphens, U-labels only letters, marks and decimal
/// digits (so no joiners, format or invisible characters) and not starting with a mark; an `xn--` label must decode
/// to a U-label that maps to itself and re-encodes to the same A-label. An A-label is at most 63 octets, the whole
/// name in A-label form at most 253 (RFC 1035 §2.3.4, without the root dot, which is refused).
struct DomainName: Sendable, Hashable {
    /// The stored form: U-labels, lower-case, NFC.
    let unicode: String
    /// The same name with A-labels.
    let ascii: String

    static let maximumLabelLength = 63
    static let maximumNameLength = 253
    /// Longer input is refused before any mapping, so the work per name stays bounded.
    static let maximumInputLength = 1024

    init(_ text: String) throws(DomainNameError) {
        guard text.utf8.count <= Self.maximumInputLength else { throw DomainNameError("longer than \(Self.maximumInputLength) octets") }
        let mapped = Self.map(text)
        guard Self.map(mapped) == mapped else { throw DomainNameError("its Unicode mapping is not stable") }
        guard !mapped.isEmpty else { throw DomainNameError("empty") }
        guard !mapped.hasSuffix(".") else { throw DomainNameError("ends with a dot") }
        var unicodeLabels: [String] = []
        var asciiLabels: [String] = []
        for label in mapped.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            let (u, a) = try Self.validate(label: label)
            unicodeLabels.append(u)
            asciiLabels.append(a)
        }
        unicode = unicodeLabels.joined(separator: ".")
        ascii = asciiLabels.joined(separator: ".")
        guard ascii.utf8.count <= Self.maximumNameLength else { throw DomainNameError("longer than \(Self.maximumNameLength) octets as A-labels") }
    }

    /// The reduced UTS #46 mapping: NFKC, lower-case, NFC, ideographic full stops to ".".
    static func map(_ text: String) -> String {
        let nfkc = text.decomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping
        let lower = nfkc.lowercased().precomposedStringWithCanonicalMapping
        return String(String.UnicodeScalarView(lower.unicodeScalars.map { ["\u{3002}", "\u{FF0E}", "\u{FF61}"].contains($0) ? "." : $0 }))
    }

    /// One label as (U-label or LDH label, A-label or LDH label).
    private static func validate(label: String) throws(DomainNameError) -> (String, String) {
        guard !label.isEmpty else { throw DomainNameError("has an empty label") }
        if label.unicodeScalars.allSatisfy(\.isASCII) {
            guard label.unicodeScalars.allSatisfy(isLDH) else { throw DomainNameError("label \"\(label)\" has characters other than letters, digits and hyphens") }
            try checkHyphens(label, aLabel: label.hasPrefix("xn--"))
            guard label.utf8.count <= maximumLabelLength else { throw DomainNameError("label \"\(label)\" is longer than \(maximumLabelLength) octets") }
            guard label.hasPrefix("xn--") else { return (label, label) }
            let encoded = String(label.dropFirst(4))
            let decoded: String
            do {
                decoded = try Punycode.decode(encoded)
            } catch {
                throw DomainNameError("label \"\(label)\" is not a valid A-label: \(error.reason)")
            }
            guard !decoded.unicodeScalars.allSatisfy(\.isASCII) else { throw DomainNameError("A-label \"\(label)\" decodes to ASCII") }
            guard map(decoded) == decoded, (try? Punycode.encode(decoded)) == encoded else {
                throw DomainNameError("A-label \"\(label)\" does not decode to a U-label in normal form")
            }
            try checkULabel(decoded)
            return (decoded, label)
        }
        try checkULabel(label)
        let encoded: String
        do {
            encoded = try Punycode.encode(label)
        } catch {
            throw DomainNameError("label \"\(label)\" cannot be encoded: \(error.reason)")
        }
        let aLabel = "xn--" + encoded
        guard aLabel.utf8.count <= maximumLabelLength else { throw DomainNameError("label \"\(label)\" is longer than \(maximumLabelLength) octets as an A-label") }
        return (label, aLabel)
    }

    private static func isLDH(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
    }

    private static func checkHyphens(_ label: String, aLabel: Bool) throws(DomainNameError) {
        guard !label.hasPrefix("-"), !label.hasSuffix("-") else { throw DomainNameError("label \"\(label)\" begins or ends with a hyphen") }
        let scalars = Array(label.unicodeScalars)
        if !aLabel, scalars.count >= 4, scalars[2] == "-", scalars[3] == "-" {
            throw DomainNameError("label \"\(label)\" has hyphens in positions 3 and 4")
        }
    }

    private static func checkULabel(_ label: String) throws(DomainNameError) {
        try checkHyphens(label, aLabel: false)
        guard let first = label.unicodeScalars.first, Script(first) != .inherited else {
            throw DomainNameError("label \"\(label)\" begins with a combining mark")
        }
        for scalar in label.unicodeScalars {
            if scalar.isASCII {
                guard isLDH(scalar) else { throw DomainNameError("label \"\(label)\" has characters other than letters, digits and hyphens") }
                continue
            }
            let allowed = switch scalar.properties.generalCategory {
            case .lowercaseLetter, .otherLetter, .modifierLetter, .nonspacingMark, .spacingMark, .decimalNumber: !scalar.isInvisibleOrUnassigned
            default: false
            }
            guard allowed else {
                throw DomainNameError("label \"\(label)\" contains U+\(String(scalar.value, radix: 16, uppercase: true)), which a domain label may not")
            }
        }
    }
}

/// Why a text is not a domain name.
struct DomainNameError: Error, Sendable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
