/// A DMARC aggregate feedback report (RFC 9990 §3.1; the XML of Appendix A): one reporting period, one DMARC Policy
/// Domain, one policy configuration, and a record per (source IP, result, identifiers) tuple.
public struct AggregateReport: Sendable, Hashable {
    /// The namespace of RFC 9990 reports (RFC 9990 §6.1).
    public static let namespace = "urn:ietf:params:xml:ns:dmarc-2.0"

    /// Which form a report read was in.
    public enum Form: String, Sendable, Hashable {
        /// RFC 9990: root `feedback` in ``AggregateReport/namespace``.
        case rfc9990
        /// RFC 7489 Appendix C (and the reporters that still send it): no namespace, or `http://dmarc.org/dmarc-xml/0.1`.
        case rfc7489
    }

    /// `version`: RFC 9990 says it MUST be `1.0` when present (§3.1.1.2).
    public var version: String?
    public var metadata: Metadata
    public var policy: PolicyPublished
    public var records: [Record]
    /// The form the report was read in; ``rfc9990`` for reports built here.
    public var form: Form

    public init(version: String? = "1.0", metadata: Metadata, policy: PolicyPublished, records: [Record], form: Form = .rfc9990) {
        self.version = version
        self.metadata = metadata
        self.policy = policy
        self.records = records
        self.form = form
    }

    /// `report_metadata` (RFC 9990 §3.1.1.3) with `date_range` (§3.1.1.4).
    public struct Metadata: Sendable, Hashable {
        /// `org_name`: the Reporting Organization.
        public var orgName: String
        /// `email`: the contact address of the Reporting Organization.
        public var email: String
        public var extraContactInfo: String?
        /// `report_id` (§3.1.2.7, `ridtxt`).
        public var reportID: String
        /// `date_range/begin`, seconds since 1970 (UTC).
        public var begin: Int64
        /// `date_range/end`, seconds since 1970 (UTC).
        public var end: Int64
        /// `error`: at most one in RFC 9990; RFC 7489 reports may carry several.
        public var errors: [String]
        /// `generator`: the software that built the report.
        public var generator: String?

        public init(orgName: String, email: String, extraContactInfo: String? = nil, reportID: String, begin: Int64, end: Int64,
                    errors: [String] = [], generator: String? = nil) {
            self.orgName = orgName
            self.email = email
            self.extraContactInfo = extraContactInfo
            self.reportID = reportID
            self.begin = begin
            self.end = end
            self.errors = errors
            self.generator = generator
        }
    }

    /// `policy_published` (RFC 9990 §3.1.1.5): the DMARC Policy Record observed; tags not given have their defaults.
    public struct PolicyPublished: Sendable, Hashable {
        /// `discovery_method`.
        public enum DiscoveryMethod: String, Sendable, Hashable, CaseIterable {
            /// RFC 7489's Public Suffix List method.
            case psl
            /// RFC 9989's DNS Tree Walk.
            case treewalk
        }

        /// The DMARC Policy Domain.
        public var domain: String
        public var discoveryMethod: DiscoveryMethod?
        public var p: DMARCRecord.Policy
        public var sp: DMARCRecord.Policy?
        public var np: DMARCRecord.Policy?
        /// `fo` as published (colon-separated options).
        public var fo: String?
        public var adkim: DMARCRecord.AlignmentMode?
        public var aspf: DMARCRecord.AlignmentMode?
        /// `testing`: the `t` tag.
        public var testing: Bool?
        /// `pct`, only in RFC 7489 reports (RFC 9989 removed the tag).
        public var pct: Int?

        public init(domain: String, discoveryMethod: DiscoveryMethod? = nil, p: DMARCRecord.Policy, sp: DMARCRecord.Policy? = nil,
                    np: DMARCRecord.Policy? = nil, fo: String? = nil, adkim: DMARCRecord.AlignmentMode? = nil,
                    aspf: DMARCRecord.AlignmentMode? = nil, testing: Bool? = nil, pct: Int? = nil) {
            self.domain = domain
            self.discoveryMethod = discoveryMethod
            self.p = p
            self.sp = sp
            self.np = np
            self.fo = fo
            self.adkim = adkim
            self.aspf = aspf
            self.testing = testing
            self.pct = pct
        }
    }

    /// `record` (RFC 9990 §3.1.1.7): `row`, `identifiers` and `auth_results`.
    public struct Record: Sendable, Hashable {
        /// `row/source_ip`: the connecting IP address.
        public var sourceIP: String
        /// `row/count`.
        public var count: Int
        /// `row/policy_evaluated` (§3.1.1.9).
        public var evaluated: PolicyEvaluated
        /// `identifiers` (§3.1.1.10).
        public var identifiers: Identifiers
        /// `auth_results/dkim` (§3.1.1.12), at most ``AggregateReport/maximumSignaturesPerRow`` when built here.
        public var dkim: [DKIMResult]
        /// `auth_results/spf` (§3.1.1.13).
        public var spf: SPFResult?

        public init(sourceIP: String, count: Int, evaluated: PolicyEvaluated, identifiers: Identifiers, dkim: [DKIMResult],
                    spf: SPFResult?) {
            self.sourceIP = sourceIP
            self.count = count
            self.evaluated = evaluated
            self.identifiers = identifiers
            self.dkim = dkim
            self.spf = spf
        }
    }

    /// `policy_evaluated`: the disposition applied and the aligned DKIM and SPF results.
    public struct PolicyEvaluated: Sendable, Hashable {
        /// `ActionDispositionType`.
        public enum Disposition: String, Sendable, Hashable, CaseIterable {
            /// No action taken.
            case none
            /// No action: the message passed DMARC under an enforcing policy (RFC 9990 only).
            case pass
            case quarantine
            case reject
        }

        public var disposition: Disposition
        /// `dkim`: whether an aligned DKIM pass was found.
        public var dkimAligned: Bool
        /// `spf`: whether an aligned SPF pass was found.
        public var spfAligned: Bool
        /// `reason` (§3.1.1.14): why the disposition differs from the published policy.
        public var reasons: [OverrideReason]

        public init(disposition: Disposition, dkimAligned: Bool, spfAligned: Bool, reasons: [OverrideReason] = []) {
            self.disposition = disposition
            self.dkimAligned = dkimAligned
            self.spfAligned = spfAligned
            self.reasons = reasons
        }
    }

    /// A policy override reason (RFC 9990 §3.1.4).
    public struct OverrideReason: Sendable, Hashable {
        /// `PolicyOverrideType`; `forwarded` and `sampled_out` exist only in RFC 7489 reports.
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            case localPolicy = "local_policy"
            case mailingList = "mailing_list"
            case other
            case policyTestMode = "policy_test_mode"
            case trustedForwarder = "trusted_forwarder"
            case forwarded
            case sampledOut = "sampled_out"
        }

        public var kind: Kind
        public var comment: String?

        public init(_ kind: Kind, comment: String? = nil) {
            self.kind = kind
            self.comment = comment
        }
    }

    /// `identifiers`.
    public struct Identifiers: Sendable, Hashable {
        /// The RFC5322.From domain.
        public var headerFrom: String
        /// The RFC5321.MailFrom domain SPF checked; empty for a null reverse-path.
        public var envelopeFrom: String?
        /// The RFC5321.RcptTo domain.
        public var envelopeTo: String?

        public init(headerFrom: String, envelopeFrom: String? = nil, envelopeTo: String? = nil) {
            self.headerFrom = headerFrom
            self.envelopeFrom = envelopeFrom
            self.envelopeTo = envelopeTo
        }
    }

    /// One DKIM signature's result (`DKIMAuthResultType`).
    public struct DKIMResult: Sendable, Hashable {
        /// `d=`.
        public var domain: String
        /// `s=`; RFC 9990 requires it, RFC 7489 reports may leave it out (`nil`).
        public var selector: String?
        /// RFC 8601 §2.7.1.
        public var result: DKIMOutcome.Result
        public var humanResult: String?

        public init(domain: String, selector: String?, result: DKIMOutcome.Result, humanResult: String? = nil) {
            self.domain = domain
            self.selector = selector
            self.result = result
            self.humanResult = humanResult
        }
    }

    /// The SPF result (`SPFAuthResultType`).
    public struct SPFResult: Sendable, Hashable {
        /// RFC 8601 §2.7.2.
        public enum Result: String, Sendable, Hashable, CaseIterable {
            case none, pass, fail, softfail, policy, neutral, temperror, permerror
        }

        /// `scope`: `mfrom` (RFC 9990); RFC 7489 reports may also say `helo`.
        public enum Scope: String, Sendable, Hashable, CaseIterable {
            case mfrom, helo
        }

        public var domain: String
        public var scope: Scope?
        public var result: Result
        public var humanResult: String?

        public init(domain: String, scope: Scope? = .mfrom, result: Result, humanResult: String? = nil) {
            self.domain = domain
            self.scope = scope
            self.result = result
            self.humanResult = humanResult
        }
    }

    /// RFC 9990 §3.1.3: a report SHOULD contain no more than 100 signatures for one row.
    public static let maximumSignaturesPerRow = 100
}
