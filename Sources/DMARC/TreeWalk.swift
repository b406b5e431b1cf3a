/// The DNS Tree Walk (RFC 9989 §4.10): the `_dmarc` names queried for a domain, at most eight of them.
public enum TreeWalk {
    /// The most queries one walk makes (RFC 9989 §4.10: "Author Domains with more than eight labels do not result in
    /// more than eight DNS queries").
    public static let maximumQueries = 8

    /// The domains whose `_dmarc` records a walk from `domain` asks for, in order (RFC 9989 §4.10 steps 1–7): the
    /// domain itself; then, with `x` labels, the parent when `x < 8`, else the last seven labels (the shortcut); then one
    /// label less each time, down to the top-level label.
    /// - Parameter domain: lower case, without the final dot.
    public static func targets(from domain: String) -> [String] {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard !domain.isEmpty else { return [] }
        var targets = [domain]
        var remaining = min(labels.count - 1, maximumQueries - 1)
        while remaining >= 1 {
            targets.append(labels.suffix(remaining).joined(separator: "."))
            remaining -= 1
        }
        return targets
    }
}

/// What one DNS Tree Walk found (RFC 9989 §4.10).
public struct TreeWalkResult: Sendable, Hashable {
    /// The domain the walk started at.
    public let start: String
    /// The valid DMARC Policy Records found, from the longest name to the shortest. A walk stops at a record with
    /// `psd=y` or `psd=n` (steps 2 and 6), so such a record can only be the last.
    public let records: [Found]
    /// Why the walk could not finish (a DNS failure), or `nil`.
    public let failure: String?

    /// A record and the domain it was published for (the name without `_dmarc.`).
    public struct Found: Sendable, Hashable {
        public let domain: String
        public let record: DMARCRecord
    }

    /// The record published for `domain`, if the walk found one.
    public func record(at domain: String) -> DMARCRecord? {
        records.first { $0.domain == domain }?.record
    }

    /// The Organizational Domain of ``start`` (RFC 9989 §4.10.2), selected from the records longest first: a record
    /// with `psd=n` names its own domain; a record with `psd=y`, other than the start's, names the domain one label
    /// below it; otherwise the record with the fewest labels. Without records, the start itself.
    public var organizationalDomain: String {
        for found in records {
            if found.record.psd == .no { return found.domain }
            if found.record.psd == .yes, found.domain != start {
                let labels = found.domain.split(separator: ".").count + 1
                return start.split(separator: ".", omittingEmptySubsequences: false).suffix(labels).joined(separator: ".")
            }
        }
        return records.last?.domain ?? start
    }

    /// The record of a Public Suffix Domain (`psd=y`) above the start, when the walk found one.
    public var publicSuffixRecord: Found? {
        guard let last = records.last, last.record.psd == .yes, last.domain != start else { return nil }
        return last
    }
}
