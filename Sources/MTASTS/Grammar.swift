/// Character classes and small productions shared by the TXT-record and policy grammars of RFC 8461 §3.1 and §3.2.
enum Grammar {
    /// The longest extension name: one letter or digit and up to 31 more characters (RFC 8461 §3.1 `sts-ext-name`,
    /// §3.2 `sts-policy-ext-name`).
    static let maximumFieldNameLength = 32

    /// `ALPHA / DIGIT` (RFC 5234 appendix B.1).
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// `WSP`: space or horizontal tab (RFC 5234 appendix B.1).
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// `sts-ext-name` / `sts-policy-ext-name`: `(ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")`.
    static func isFieldName<C: Collection<UInt8>>(_ name: C) -> Bool {
        guard let first = name.first, isAlphanumeric(first), name.count <= maximumFieldNameLength else { return false }
        return name.allSatisfy { isAlphanumeric($0) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E }
    }

    /// `sts-ext-value`: `1*(%x21-3A / %x3C / %x3E-7E)`, visible ASCII except `;` and `=` (RFC 8461 §3.1).
    static func isRecordExtensionValue<C: Collection<UInt8>>(_ value: C) -> Bool {
        !value.isEmpty && value.allSatisfy { $0 >= 0x21 && $0 <= 0x7E && $0 != 0x3B && $0 != 0x3D }
    }

    /// ASCII letters lower-cased, everything else unchanged: host names compare this way (RFC 4343 §3), with no
    /// locale and no Unicode case folding.
    static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
