/// A parsed SPF record (RFC 7208 §4.5, §4.6, §12): its directives in order and its modifiers.
public struct SPFRecord: Sendable, Hashable {
    /// The longest record read, in octets. RFC 7208 §3.4 advises under 450; a TXT RRset could carry 64 KiB.
    public static let maximumLength = 8_192
    /// The most terms read in one record: at least twice what any published record needs.
    public static let maximumTerms = 512

    /// The directives, evaluated left to right (§4.6.2).
    public var directives: [Directive]
    /// The `redirect=` target (§6.1).
    public var redirect: MacroString?
    /// The `exp=` target (§6.2).
    public var explanation: MacroString?
    /// The text the record was parsed from.
    public var text: String

    /// Whether `bytes` (a TXT record's strings joined) is an SPF record: `v=spf1` alone or before a space (§4.5).
    public static func isSPFRecord(_ bytes: some Collection<UInt8>) -> Bool {
        let version = Array("v=spf1".utf8)
        guard bytes.count >= version.count else { return false }
        guard zip(bytes, version).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) else { return false }
        return bytes.count == version.count || bytes.dropFirst(version.count).first == UInt8(ascii: " ")
    }

    /// Parses a whole record, version included. Throws ``SPFError`` when any term breaks the grammar (the check
    /// then gives `permerror` without evaluating anything, §4.6) or a limit is exceeded.
    public init(parsing bytes: some Collection<UInt8>) throws(SPFError) {
        guard bytes.count <= Self.maximumLength else {
            throw .limitExceeded("record of \(bytes.count) octets, more than \(Self.maximumLength)")
        }
        guard Self.isSPFRecord(bytes) else { throw .syntax("the record does not start with v=spf1") }
        if let bad = bytes.first(where: { !(0x20...0x7E).contains($0) }) {
            throw .syntax("octet 0x\(String(bad, radix: 16)) in the record; only printable ASCII and spaces are allowed")
        }
        text = String(decoding: bytes, as: UTF8.self)
        directives = []
        let terms = text.split(separator: " ").dropFirst()
        guard terms.count <= Self.maximumTerms else {
            throw .limitExceeded("\(terms.count) terms, more than \(Self.maximumTerms)")
        }
        for term in terms {
            if let (name, value) = Self.modifier(term) {
                switch name.lowercased() {
                case "redirect":
                    guard redirect == nil else { throw .syntax("redirect= appears twice (§6)") }
                    redirect = try MacroString(parsing: value, context: .domainSpec)
                case "exp":
                    guard explanation == nil else { throw .syntax("exp= appears twice (§6)") }
                    explanation = try MacroString(parsing: value, context: .domainSpec)
                default:
                    // Unknown modifiers are ignored (§6), but must still be macro-strings (§12).
                    _ = try MacroString(parsing: value, context: .modifierValue)
                }
            } else {
                directives.append(try Self.directive(term))
            }
        }
    }

    /// Parses a record given as text.
    public init(parsing text: String) throws(SPFError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// `name "=" value` when `term` is a modifier: `name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )` (§12).
    private static func modifier(_ term: Substring) -> (String, String)? {
        guard let equals = term.firstIndex(of: "=") else { return nil }
        let name = term[..<equals]
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic,
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) })
        else { return nil }
        return (String(name), String(term[term.index(after: equals)...]))
    }
}
