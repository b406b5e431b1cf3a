/// A DMARC Policy Record (RFC 9989 §4.7), as read from a `_dmarc` TXT record.
///
/// Values hold what the record says after §4.8's rule: unknown tags are ignored and malformed ones are discarded
/// "in favor of default values (if any)", so a tag with a default (`adkim`, `aspf`, `t`, `psd`, `fo`) always has a
/// value here. `p`, `sp` and `np` are `nil` when absent or malformed; ``hasInvalidPolicy`` says which, because
/// §4.10.1 treats an invalid policy differently from an absent one.
public struct DMARCRecord: Sendable, Hashable {
    /// A Domain Owner Assessment Policy (RFC 9989 §4.7 `dmarc-request`).
    public enum Policy: String, Sendable, Hashable, CaseIterable {
        case none, quarantine, reject

        /// One step lower, as `t=y` asks (RFC 9989 §4.7 `t`): reject → quarantine → none.
        public var lowered: Policy {
            switch self {
            case .reject: .quarantine
            case .quarantine, .none: .none
            }
        }
    }

    /// Identifier Alignment mode (RFC 9989 §4.7 `adkim`, `aspf`; §3.2.10).
    public enum AlignmentMode: String, Sendable, Hashable, CaseIterable {
        case relaxed = "r"
        case strict = "s"
    }

    /// Whether the publishing domain is a Public Suffix Domain (RFC 9989 §4.7 `psd`).
    public enum PSD: String, Sendable, Hashable, CaseIterable {
        case yes = "y"
        case no = "n"
        case unknown = "u"
    }

    /// A failure reporting option (RFC 9989 §4.7 `fo`).
    public enum FailureReportingOption: String, Sendable, Hashable, CaseIterable {
        /// `0`: report when every mechanism fails to produce an aligned pass (the default).
        case allFail = "0"
        /// `1`: report when any mechanism fails to produce an aligned pass.
        case anyFail = "1"
        /// `d`: report DKIM signatures that failed, aligned or not.
        case dkim = "d"
        /// `s`: report SPF failures, aligned or not.
        case spf = "s"
    }

    /// A tag the parser did not keep, and why (RFC 9989 §4.8: unknown tags ignored, syntax errors discarded).
    public struct DiscardedTag: Sendable, Hashable {
        /// The tag as it appeared, without surrounding spaces (cut to ``DMARCRecord/maximumQuotedLength``).
        public let text: String
        public let reason: String
    }

    /// `p`: the policy for the domain itself; `nil` when absent or not a valid `dmarc-request`.
    public var policy: Policy?
    /// `sp`: the policy for existing subdomains of an Organizational Domain or PSD; `nil` when absent or invalid.
    public var subdomainPolicy: Policy?
    /// `np`: the policy for non-existent subdomains (NXDOMAIN, RFC 9989 §3.2.13); `nil` when absent or invalid.
    public var nonExistentSubdomainPolicy: Policy?
    /// The policy tags (`p`, `sp`, `np`) present with a value that is not `none`, `quarantine` or `reject`.
    public var invalidPolicyTags: [String]
    /// `adkim`, default relaxed.
    public var dkimAlignment: AlignmentMode
    /// `aspf`, default relaxed.
    public var spfAlignment: AlignmentMode
    /// `t=y`: the Domain Owner is testing; the policy applied is one level below (RFC 9989 §4.7 `t`). Default `n`.
    public var testing: Bool
    /// `psd`, default `u`.
    public var psd: PSD
    /// `fo`, default `[0]`.
    public var failureReportingOptions: [FailureReportingOption]
    /// `rua`: the syntactically valid aggregate report URIs, in record order.
    public var aggregateReportURIs: [ReportURI]
    /// `ruf`: the syntactically valid failure report URIs, in record order.
    public var failureReportURIs: [ReportURI]
    /// Tags ignored or discarded, in record order.
    public var discarded: [DiscardedTag]
    /// The record as published (TXT strings concatenated).
    public var text: String

    /// Whether `p`, `sp` or `np` was present with an invalid value (RFC 9989 §4.10.1).
    public var hasInvalidPolicy: Bool { !invalidPolicyTags.isEmpty }
}
