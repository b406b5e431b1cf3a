public import DNS

/// One CAA record read as a property (RFC 8659 §4.1): the critical flag, the tag matched case-insensitively and the
/// value read by the tag's grammar.
public struct CAAProperty: Sendable, Hashable {
    /// What the tag says.
    public enum Kind: Sendable, Hashable {
        /// `issue` (§4.2); `.failure` when the value is malformed, which counts as naming no issuer.
        case issue(Result<IssueValue, CAAError>)
        /// `issuewild` (§4.3), same grammar as `issue`.
        case issuewild(Result<IssueValue, CAAError>)
        /// `iodef` (§4.4): where to report requests that violate the policy.
        case iodef(String)
        /// Any other tag, lower-cased; it forbids issuance only when critical (§4.1).
        case unknown(String)
    }

    /// The Issuer Critical flag, bit 0 (value 128) of the flags octet; the other bits are reserved and ignored (§4.1).
    public var isCritical: Bool
    public var kind: Kind

    /// Reads a record. Tags are compared case-insensitively (§4.1); a tag outside 1–15 letters and digits is unknown.
    public init(_ record: DNS.CAA) {
        isCritical = record.isCritical
        let tag = String(decoding: record.tag, as: UTF8.self).lowercased()
        let wellFormedTag = (1...CAALimits.maximumTagLength).contains(record.tag.count) && record.tag.allSatisfy(\.isAlphanumeric)
        switch wellFormedTag ? tag : "" {
        case "issue": kind = .issue(Result { () throws(CAAError) in try IssueValue(parsing: record.value) })
        case "issuewild": kind = .issuewild(Result { () throws(CAAError) in try IssueValue(parsing: record.value) })
        case "iodef": kind = .iodef(String(decoding: record.value, as: UTF8.self))
        default: kind = .unknown(tag)
        }
    }

    /// The issue value of an `issue` or `issuewild` property, nil for a malformed one or another tag.
    public var issueValue: IssueValue? {
        switch kind {
        case .issue(let result), .issuewild(let result): try? result.get()
        default: nil
        }
    }
}
