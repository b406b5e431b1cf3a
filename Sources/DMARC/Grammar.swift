/// Character classes of RFC 2045 and RFC 5322 that Authentication-Results values use.
enum Grammar {
    /// RFC 2045 §5.1 `token`: printable ASCII except space and `tspecials`.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (0x21...0x7E).contains($0) && !tspecials.contains($0) }
    }

    /// `domain-name` (RFC 6376 §3.5: labels of letters, digits, `-` and `_`, dot-separated) or
    /// `[local-part] "@" domain-name` with a dot-atom local part (RFC 5322 §3.4.1) without `=`, which readers take
    /// for the start of the next property.
    static func isMailboxOrDomain(_ text: String) -> Bool {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard let domain = parts.last, isDomainName(domain) else { return false }
        guard parts.count == 2 else { return true }
        let local = parts[0]
        return local.isEmpty || local.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && $0.utf8.allSatisfy { isAtext($0) && $0 != UInt8(ascii: "=") }
        }
    }

    private static func isDomainName(_ text: Substring) -> Bool {
        !text.isEmpty && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.utf8.allSatisfy { isAlphaDigit($0) || $0 == 0x2D || $0 == 0x5F }
        }
    }

    /// RFC 5322 §3.2.3 `atext`.
    private static func isAtext(_ byte: UInt8) -> Bool {
        isAlphaDigit(byte) || atextPunctuation.contains(byte)
    }

    private static func isAlphaDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static let tspecials = Set("()<>@,;:\\\"/[]?=".utf8)
    private static let atextPunctuation = Set("!#$%&'*+-/=?^_`{|}~".utf8)
}
