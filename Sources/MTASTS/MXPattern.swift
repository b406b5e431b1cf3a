/// One `mx` pattern of an MTA-STS policy: a host name, or `*.` and a host name (RFC 8461 §3.2 `sts-policy-mx-value`).
///
/// Stored lower-cased and without a trailing dot, so patterns compare and match case-insensitively (RFC 8461 §4.1
/// defers to RFC 6125, whose DNS comparison is case-insensitive).
public struct MXPattern: Sendable, Hashable, CustomStringConvertible {
    /// The longest label of a host name in octets (RFC 1035 §2.3.4).
    public static let maximumLabelLength = 63
    /// The longest host name in its text form without a trailing dot (RFC 1035 §2.3.4's 255 octets in wire form).
    public static let maximumNameLength = 253

    /// The host name, or for a wildcard pattern the part after `*.`: lower-case, no trailing dot.
    public let domain: String
    /// Whether the pattern is `*.` + ``domain``, matching exactly one extra leftmost label (RFC 8461 §4.1).
    public let isWildcard: Bool

    /// The pattern as a policy writes it: `mail.example.com` or `*.example.net`.
    public var text: String { isWildcard ? "*." + domain : domain }
    public var description: String { text }

    /// Reads a pattern: `["*."] Domain`, `Domain` as in RFC 5321 §4.1.2 (letters, digits and inner hyphens, labels of
    /// at most 63 octets). Letters are lower-cased. One trailing dot is accepted and dropped, because matching ignores
    /// it anyway (see ``matches(_:)``). The wildcard may only be the whole leftmost label (RFC 8461 §3.2, §4.1).
    public init(_ text: String) throws(MTASTSError) {
        var name = Grammar.asciiLowercased(text)
        isWildcard = name.hasPrefix("*.")
        if isWildcard { name.removeFirst(2) }
        if name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty else { throw .invalidMX(text, "has no host name") }
        guard !name.contains("*") else { throw .invalidMX(text, "has a wildcard that is not the whole leftmost label") }
        guard name.utf8.count <= Self.maximumNameLength else {
            throw .invalidMX(text, "is longer than \(Self.maximumNameLength) characters")
        }
        for label in name.utf8.split(separator: 0x2E, omittingEmptySubsequences: false) {
            guard !label.isEmpty else { throw .invalidMX(text, "has an empty label") }
            guard label.count <= Self.maximumLabelLength else {
                throw .invalidMX(text, "has a label longer than \(Self.maximumLabelLength) characters")
            }
            guard label.allSatisfy({ Grammar.isAlphanumeric($0) || $0 == 0x2D }) else {
                throw .invalidMX(text, "has a character other than a letter, digit, hyphen or dot")
            }
            guard label.first != 0x2D, label.last != 0x2D else {
                throw .invalidMX(text, "has a label that starts or ends with a hyphen")
            }
        }
        domain = name
    }

    /// Whether an MX host name matches this pattern (RFC 8461 §4.1): case-insensitive, one trailing dot of `host`
    /// ignored; a literal pattern matches only itself, and `*.example.com` matches `mail.example.com` but neither
    /// `example.com` nor `foo.bar.example.com`.
    public func matches(_ host: String) -> Bool {
        // Bytes, not `String ==`: Swift compares Strings by canonical equivalence, host names compare octet by octet.
        var host = Array(Grammar.asciiLowercased(host).utf8)
        if host.last == 0x2E { host.removeLast() }
        let domain = Array(self.domain.utf8)
        guard isWildcard else { return host == domain }
        guard host.count > domain.count + 1, host.suffix(domain.count).elementsEqual(domain) else { return false }
        let label = host.prefix(host.count - domain.count - 1)
        return host[label.count] == 0x2E && !label.contains(0x2E)
    }
}
