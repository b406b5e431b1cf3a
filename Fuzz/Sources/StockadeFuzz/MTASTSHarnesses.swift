import MTASTS

/// `MTASTSPolicy(parsing:)`: the body fetched from `https://mta-sts.<domain>/.well-known/mta-sts.txt` (RFC 8461 §3.2).
enum MTASTSPolicyHarness {
    static func run(_ input: [UInt8]) {
        let policy: MTASTSPolicy
        do {
            policy = try MTASTSPolicy(parsing: input)
        } catch {
            // A line error names its line and quotes it (bytes, not Characters: a combining mark may follow the quote).
            if let line = error.line {
                require(error.reason.utf8.starts(with: "line \(line) \"".utf8), "line error without its line: \(error.reason)")
            }
            require(!error.reason.isEmpty, "an MTASTSError without a reason")
            return
        }
        require(input.count <= MTASTSPolicy.maximumSize, "accepted a policy of \(input.count) octets")
        // Each mx needs its own line of at least `mx:x` and a line end: the count is bounded by the size.
        require(policy.mx.count <= (input.count + 1) / 5, "\(policy.mx.count) mx patterns in \(input.count) octets")
        require((0...MTASTSPolicy.maximumMaxAge).contains(policy.maxAge), "max_age \(policy.maxAge)")
        require(policy.mode == .none || !policy.mx.isEmpty, "mode \(policy.mode) without mx")
        require(policy.originalText.utf8.elementsEqual(input), "original text not kept")
        for pattern in policy.mx {
            require(pattern.domain.utf8.count <= MXPattern.maximumNameLength, "an mx of \(pattern.domain.utf8.count) octets")
            require(!pattern.domain.utf8.contains { (0x41...0x5A).contains($0) }, "an mx not lower-cased: \(pattern.domain)")
            let host = pattern.isWildcard ? "a." + pattern.domain : pattern.domain
            require(pattern.matches(host), "\(pattern.text) does not match \(host)")
            require(policy.matches(mxHost: host.uppercased()), "matching is case-sensitive for \(host)")
        }
        // The canonical text reads back as the same policy, with the same canonical text.
        do {
            let again = try MTASTSPolicy(parsing: Array(policy.text.utf8))
            require(again == policy && again.text == policy.text, "canonical text changed the policy")
        } catch {
            fatalError("the canonical text of a policy is refused: \(error)")
        }
    }
}

/// `MTASTSRecord(parsing:)`: the `_mta-sts` TXT RRset (RFC 8461 §3.1). Input: records separated by LF, each record's
/// character-strings separated by NUL, decoded leniently as a resolver's caller would.
enum MTASTSRecordHarness {
    static func run(_ input: [UInt8]) {
        let rrset = input.split(separator: 0x0A, omittingEmptySubsequences: false).map { record in
            record.split(separator: 0x00, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        }
        let record: MTASTSRecord
        do {
            record = try MTASTSRecord(parsing: rrset)
        } catch {
            require(!error.reason.isEmpty && error.line == nil, "record error: \(error.reason) line \(String(describing: error.line))")
            return
        }
        require((1...MTASTSRecord.maximumIDLength).contains(record.id.utf8.count), "id of \(record.id.utf8.count) octets")
        require(record.id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) },
                "id \(record.id) is not alphanumeric")
        do {
            let again = try MTASTSRecord(parsing: [[record.text]])
            require(again == record && again.text == record.text, "record text changed the record: \(record.text)")
            let single = try MTASTSRecord(parsing: record.text)
            require(single == record, "the single-string reader disagrees")
        } catch {
            fatalError("the text of a record is refused: \(error); text \(record.text)")
        }
    }
}
