import Foundation
import WKD

/// An address in the one canonical form the directory stores and compares, shown as its owner wrote it.
///
/// - The domain is a `DomainName`: U-labels after the reduced UTS #46 mapping (`dave@XN--BCHER-KVA.test` and
///   `dave@bücher.test` are one address).
/// - The local part is NFC-normalized and lower-cased with full Unicode lower-casing (`JOSÉ`, `jose\u{301}` and
///   `josé` are one local part): the provider delivers local parts case-insensitively. Compatibility forms
///   (fullwidth `ｄａｖｅ`) are not folded in local parts; provider domains refuse them instead (see `unsafety`). A quoted local part that is
///   a dot-atom once unquoted is that dot-atom (RFC 5321 §4.1.2: `"dave.alias"` is `dave.alias`); one that is not
///   keeps a minimal quoted form (only `"` and `\` escaped).
/// - With a sub-address separator (`+` by default), `frank+tag` has the base `frank`: see `baseKey`.
///
/// For ASCII addresses the key is the one earlier versions stored: local part and domain with A–Z lower-cased.
struct NormalizedAddress: Sendable, Hashable {
    /// The unique key: canonical local part `@` canonical domain.
    let key: String
    /// The local part as written (NFC, unquoted when it is a dot-atom) `@` the canonical domain.
    let display: String
    /// The canonical domain (U-labels).
    let domain: String
    /// The canonical local part.
    let localPart: String
    /// The WKD hash of the canonical local part (draft-koch-openpgp-webkey-service §3.1), as for ASCII before.
    let wkdHash: String
    /// For a sub-address (`frank+tag@…`), the key of its base address (`frank@…`), which owns it; nil otherwise.
    let baseKey: String?
    /// Why the address may not be assigned on a provider domain (invisible characters, mixed scripts,
    /// compatibility characters, a quoted local part that is not a dot-atom); nil when it may.
    let unsafety: String?

    /// Longer input is refused before any normalization.
    static let maximumInputLength = 1024

    init(_ text: String, subaddressSeparator: Unicode.Scalar? = "+") throws(DirectoryError) {
        guard text.utf8.count <= Self.maximumInputLength else { throw .invalidAddress(text, "longer than \(Self.maximumInputLength) octets") }
        let scalars = Array(text.trimmingCharacters().unicodeScalars)
        guard let at = scalars.lastIndex(of: "@") else { throw .invalidAddress(text, "no @") }
        let rawLocal = String(String.UnicodeScalarView(scalars[..<at]))
        let rawDomain = String(String.UnicodeScalarView(scalars[(at + 1)...]))
        let name: DomainName
        do {
            name = try DomainName(rawDomain)
        } catch {
            throw .invalidAddress(text, "the domain is \(error.reason)")
        }
        let (content, quoted) = try Self.unquote(rawLocal, text)
        let mapped = Self.map(content)
        guard Self.map(mapped) == mapped else { throw .invalidAddress(text, "the local part's Unicode mapping is not stable") }
        if let control = mapped.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            throw .invalidAddress(text, "the local part contains the control character U+\(Self.hex(control))")
        }
        let dotAtom = Self.isDotAtom(mapped)
        guard quoted || dotAtom else { throw .invalidAddress(text, "the local part is not a dot-atom (RFC 5321 §4.1.2)") }
        let written = content.precomposedStringWithCanonicalMapping
        localPart = dotAtom ? mapped : Self.quote(mapped)
        domain = name.unicode
        key = localPart + "@" + domain
        display = (dotAtom ? written : Self.quote(written)) + "@" + domain
        guard let address = try? WKDAddress(key) else { throw .invalidAddress(text) }
        wkdHash = address.hash
        if dotAtom, let separator = subaddressSeparator, let index = mapped.unicodeScalars.firstIndex(of: separator),
           index != mapped.unicodeScalars.startIndex {
            let base = String(mapped.unicodeScalars[..<index])
            baseKey = Self.isDotAtom(base) ? base + "@" + domain : nil
        } else {
            baseKey = nil
        }
        unsafety = Self.unsafety(of: mapped, dotAtom: dotAtom)
    }

    /// NFC, full Unicode lower-casing, NFC again; the final sigma ς compares as σ, as case folding has it (so
    /// `ΟΔΥΣΣΕΑΣ`, `οδυσσεας` and `οδυσσεασ` are one local part).
    static func map(_ text: String) -> String {
        let lower = text.precomposedStringWithCanonicalMapping.lowercased().precomposedStringWithCanonicalMapping
        return String(String.UnicodeScalarView(lower.unicodeScalars.map { $0 == "\u{03C2}" ? "\u{03C3}" : $0 }))
    }

    /// The content of a quoted local part (quoted-pairs resolved) and whether it was quoted.
    private static func unquote(_ raw: String, _ text: String) throws(DirectoryError) -> (String, Bool) {
        let scalars = Array(raw.unicodeScalars)
        guard scalars.first == "\"" else { return (raw, false) }
        guard scalars.count >= 2, scalars.last == "\"" else { throw .invalidAddress(text, "unbalanced quote in the local part") }
        var content = String.UnicodeScalarView()
        var index = 1
        while index < scalars.count - 1 {
            let scalar = scalars[index]
            if scalar == "\\" {
                guard index + 1 < scalars.count - 1, (0x20...0x7E).contains(scalars[index + 1].value) else {
                    throw .invalidAddress(text, "invalid quoted-pair in the local part")
                }
                content.append(scalars[index + 1])
                index += 2
                continue
            }
            guard scalar != "\"" else { throw .invalidAddress(text, "unescaped quote in the local part") }
            content.append(scalar)
            index += 1
        }
        guard !content.isEmpty else { throw .invalidAddress(text, "empty local part") }
        return (String(content), true)
    }

    private static func quote(_ text: String) -> String {
        var out = String.UnicodeScalarView(["\""])
        for scalar in text.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { out.append("\\") }
            out.append(scalar)
        }
        out.append("\"")
        return String(out)
    }

    /// RFC 5321 §4.1.2 `Dot-string` with RFC 6531 §3.3's UTF-8 atext (less non-ASCII white space): atoms of atext
    /// separated by single dots.
    static func isDotAtom(_ text: String) -> Bool {
        let atoms = text.unicodeScalars.split(separator: ".", omittingEmptySubsequences: false)
        return !atoms.contains(where: \.isEmpty) && atoms.allSatisfy { $0.allSatisfy(isAtext) }
    }

    private static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else {
            // UTF8-non-ascii, less controls and separators (which whitespace trimming would eat).
            switch scalar.properties.generalCategory {
            case .control, .spaceSeparator, .lineSeparator, .paragraphSeparator: return false
            default: return !scalar.properties.isWhitespace
            }
        }
        let value = scalar.value
        return (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) || (0x30...0x39).contains(value)
            || "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
    }

    /// Why a canonical local part may not be assigned on a provider domain, or nil.
    private static func unsafety(of local: String, dotAtom: Bool) -> String? {
        if !dotAtom { return "the quoted local part is not a dot-atom" }
        if let invisible = local.unicodeScalars.first(where: \.isInvisibleOrUnassigned) {
            return "the local part contains U+\(hex(invisible)), an invisible, unassigned or private-use character"
        }
        if local.decomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping != local {
            return "the local part contains compatibility characters (fullwidth forms, ligatures, super- or subscripts)"
        }
        if let scripts = Script.mixture(in: local) {
            return "the local part mixes scripts (\(scripts.map { "\($0)" }.sorted().joined(separator: ", ")))"
        }
        return nil
    }

    static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension String {
    func trimmingCharacters() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view = view.dropFirst() }
        while let last = view.last, last.isWhitespace { view = view.dropLast() }
        return String(view)
    }
}
