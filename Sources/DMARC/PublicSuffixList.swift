/// The Public Suffix List (https://publicsuffix.org/list/) and its matching algorithm: the Organizational Domain of
/// RFC 7489 §3.2, used by ``DMARCEvaluator/Mode/rfc7489``.
///
/// Rules are `suffix`, `*.suffix` (any one label before `suffix`) and `!name` (an exception to a wildcard). The
/// prevailing rule is a matching exception, else the matching rule with the most labels, else `*` (the last label).
public struct PublicSuffixList: Sendable {
    /// The longest list read, in octets: the bundled one is about 120 KiB.
    public static let maximumSize = 4 << 20

    private let rules: Set<String>
    private let wildcards: Set<String>
    private let exceptions: Set<String>

    /// The list shipped with Stockade (``bundledVersion``; regenerate with `scripts/update-public-suffix-list.sh`).
    public static let bundled = PublicSuffixList(rules: bundledRules)

    /// Reads a list in the file format: one rule a line; blank lines and `//` comments skipped; only the text up to
    /// the first space counts. Rules compare case-insensitively; names in Unicode must already be A-labels.
    /// Text beyond ``maximumSize`` is ignored.
    public init(rules text: String) {
        var rules = Set<String>(), wildcards = Set<String>(), exceptions = Set<String>()
        for line in text.utf8.prefix(Self.maximumSize).split(separator: 0x0A) {
            let rule = String(decoding: line.prefix { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }, as: UTF8.self).lowercased()
            if rule.isEmpty || rule.hasPrefix("//") { continue }
            if rule.hasPrefix("*.") {
                wildcards.insert(String(rule.dropFirst(2)))
            } else if rule.hasPrefix("!") {
                exceptions.insert(String(rule.dropFirst()))
            } else {
                rules.insert(rule)
            }
        }
        self.rules = rules
        self.wildcards = wildcards
        self.exceptions = exceptions
    }

    /// The public suffix of `domain` (lower case, no final dot): the name the prevailing rule matches.
    public func publicSuffix(of domain: String) -> String {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.suffix(suffixLabelCount(labels)).joined(separator: ".")
    }

    /// The Organizational Domain of `domain` (RFC 7489 §3.2): its public suffix and one more label. A domain that is
    /// itself a public suffix has no further label; it is its own Organizational Domain.
    public func organizationalDomain(of domain: String) -> String {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let count = min(suffixLabelCount(labels) + 1, labels.count)
        return labels.suffix(count).joined(separator: ".")
    }

    /// How many labels, from the right, the prevailing rule covers.
    private func suffixLabelCount(_ labels: [Substring]) -> Int {
        for start in labels.indices {
            let candidate = labels[start...].joined(separator: ".")
            if exceptions.contains(candidate) { return labels.count - start - 1 }
            if rules.contains(candidate) { return labels.count - start }
            if start + 1 < labels.count, wildcards.contains(labels[(start + 1)...].joined(separator: ".")) {
                return labels.count - start
            }
        }
        return 1
    }
}
