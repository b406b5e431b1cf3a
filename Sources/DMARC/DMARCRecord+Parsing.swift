extension DMARCRecord {
    /// The longest record read, in octets (TXT strings concatenated). Longer records are not DMARC records here:
    /// real ones are a few hundred octets, and the limit bounds the work per query.
    public static let maximumLength = 4096
    /// The most URIs kept from one `rua` or `ruf` list; later ones are discarded.
    public static let maximumReportURIs = 16
    /// The most characters of a discarded tag quoted in ``DiscardedTag/text``.
    public static let maximumQuotedLength = 64
    /// The only version (RFC 9989 §4.7 `v`, case-sensitive).
    public static let version = "DMARC1"

    /// Reads a record (RFC 9989 §4.8), or `nil` when it is not a DMARC Policy Record: it does not begin with a
    /// `v` tag whose value is exactly `DMARC1` (§4.7 `v`: "the entire record MUST be ignored"), or it is longer than
    /// ``maximumLength``.
    ///
    /// After the version, tags are separated by `;` with optional spaces and tabs (`dmarc-sep`); a final `;` is
    /// allowed. Unknown tags are ignored and malformed ones discarded (§4.8), each noted in ``discarded``; of a
    /// repeated tag the first counts. Tag names and the literal values (`none`, `r`, `y`, …) are ABNF literal
    /// strings, hence case-insensitive (RFC 5234 §2.3).
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count <= Self.maximumLength else { return nil }
        var parts = bytes.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)[...]
        guard let first = parts.popFirst(), Self.isVersion(first) else { return nil }
        self.init(text: text)
        var seen = Set<String>()
        for (index, part) in parts.enumerated() {
            let trimmed = Self.trimmed(part)
            if trimmed.isEmpty {
                if index != parts.count - 1 { discard(trimmed, "empty tag between two \";\"") }
                continue
            }
            guard let equals = trimmed.firstIndex(of: UInt8(ascii: "=")) else {
                discard(trimmed, "no \"=\"")
                continue
            }
            let nameBytes = Self.trimmed(trimmed[..<equals])
            let value = Self.trimmed(trimmed[(equals + 1)...])
            guard !nameBytes.isEmpty, nameBytes.allSatisfy(Self.isAlpha) else {
                discard(trimmed, "the tag name is not 1*ALPHA")
                continue
            }
            let name = String(decoding: nameBytes, as: UTF8.self).lowercased()
            guard !value.isEmpty, value.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                discard(trimmed, "the value is empty or has a character outside %x20-7E")
                continue
            }
            guard Self.knownTags.contains(name) else {
                discard(trimmed, "unknown tag")
                continue
            }
            guard seen.insert(name).inserted else {
                discard(trimmed, "repeated tag: the first occurrence counts")
                continue
            }
            read(name, String(decoding: value, as: UTF8.self), tag: trimmed)
        }
    }

    /// Selects the DMARC Policy Record of one `_dmarc` TXT RRset (RFC 9989 §4.10 steps 2 and 6): records that are
    /// not DMARC records are discarded; when more than one remains, all are discarded.
    /// - Parameter txt: each TXT record with its character-strings already concatenated (§4.5).
    public static func select(_ txt: [String]) -> DMARCRecord? {
        let records = txt.compactMap(DMARCRecord.init(parsing:))
        return records.count == 1 ? records[0] : nil
    }

    private static let knownTags: Set<String> = ["v", "p", "sp", "np", "adkim", "aspf", "t", "psd", "fo", "rua", "ruf"]

    private init(text: String) {
        policy = nil
        subdomainPolicy = nil
        nonExistentSubdomainPolicy = nil
        invalidPolicyTags = []
        dkimAlignment = .relaxed
        spfAlignment = .relaxed
        testing = false
        psd = .unknown
        failureReportingOptions = [.allFail]
        aggregateReportURIs = []
        failureReportURIs = []
        discarded = []
        self.text = text
    }

    private mutating func read(_ name: String, _ value: String, tag: ArraySlice<UInt8>) {
        let lower = value.lowercased()
        switch name {
        case "p", "sp", "np":
            guard let policy = Policy(rawValue: lower) else {
                invalidPolicyTags.append(name)
                return discard(tag, "not none, quarantine or reject")
            }
            switch name {
            case "p": self.policy = policy
            case "sp": subdomainPolicy = policy
            default: nonExistentSubdomainPolicy = policy
            }
        case "adkim", "aspf":
            guard let mode = AlignmentMode(rawValue: lower) else { return discard(tag, "not r or s: the default r applies") }
            if name == "adkim" { dkimAlignment = mode } else { spfAlignment = mode }
        case "t":
            guard lower == "y" || lower == "n" else { return discard(tag, "not y or n: the default n applies") }
            testing = lower == "y"
        case "psd":
            guard let flag = PSD(rawValue: lower) else { return discard(tag, "not y, n or u: the default u applies") }
            psd = flag
        case "fo":
            guard let options = Self.failureOptions(lower) else { return discard(tag, "not a dmarc-fo list: the default 0 applies") }
            failureReportingOptions = options
        case "rua", "ruf":
            var uris: [ReportURI] = []
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let trimmed = element.trimmingSpacesAndTabs()
                if let uri = ReportURI(trimmed), uris.count < Self.maximumReportURIs {
                    uris.append(uri)
                } else {
                    discard(Array(trimmed.utf8)[...], uris.count < Self.maximumReportURIs
                            ? "not a URI in \(name)" : "more than \(Self.maximumReportURIs) URIs in \(name)")
                }
            }
            if name == "rua" { aggregateReportURIs = uris } else { failureReportURIs = uris }
        default:
            discard(tag, "v is only valid as the first tag")
        }
    }

    /// `dmarc-fo` (RFC 9989 §4.8): one of `0` and `1` at most, each of `d` and `s` at most once, colon-separated.
    private static func failureOptions(_ value: String) -> [FailureReportingOption]? {
        var options: [FailureReportingOption] = []
        for element in value.split(separator: ":", omittingEmptySubsequences: false) {
            guard let option = FailureReportingOption(rawValue: String(element.trimmingSpacesAndTabs())),
                  !options.contains(option) else { return nil }
            options.append(option)
        }
        guard !(options.contains(.allFail) && options.contains(.anyFail)) else { return nil }
        return options
    }

    private mutating func discard(_ tag: ArraySlice<UInt8>, _ reason: String) {
        let text = String(decoding: tag.prefix(Self.maximumQuotedLength), as: UTF8.self)
        discarded.append(DiscardedTag(text: text, reason: reason))
    }

    /// `"v" equals %s"DMARC1"` and nothing else before the first `;` but spaces and tabs.
    private static func isVersion(_ part: ArraySlice<UInt8>) -> Bool {
        guard let first = part.first, first | 0x20 == UInt8(ascii: "v") else { return false }
        let rest = trimmed(part.dropFirst())
        guard rest.first == UInt8(ascii: "=") else { return false }
        return trimmed(rest.dropFirst()).elementsEqual(version.utf8)
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice.removeFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice.removeLast() }
        return slice
    }

    private static func isAlpha(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (`WSP`).
    func trimmingSpacesAndTabs() -> SubSequence {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
