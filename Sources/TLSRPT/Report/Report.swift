/// An aggregate SMTP TLS report (RFC 8460 §4): who reports, for which period, and per applied policy the counts
/// of successful and failed sessions with the details of the failures.
public struct Report: Sendable, Hashable {
    /// `organization-name`: the sending organization (RFC 8460 §4.1).
    public var organizationName: String
    /// `date-range.start-datetime`: the start of the period the report covers (RFC 8460 §4.1).
    public var start: ReportDate
    /// `date-range.end-datetime`: the end of the period, not before ``start``.
    public var end: ReportDate
    /// `contact-info`: an address or URI to reach the reporting organization.
    public var contactInfo: String
    /// `report-id`: unique per report from this organization.
    public var reportID: String
    /// `policies`: one entry per policy applied.
    public var policies: [PolicyResult]

    /// A report, for building (RFC 8460 §4).
    public init(organizationName: String, start: ReportDate, end: ReportDate, contactInfo: String, reportID: String,
                policies: [PolicyResult]) {
        self.organizationName = organizationName
        self.start = start
        self.end = end
        self.contactInfo = contactInfo
        self.reportID = reportID
        self.policies = policies
    }

    /// Sessions counted as successful across every policy.
    public var totalSuccessful: Int { policies.reduce(0) { $0 + $1.successfulSessionCount } }
    /// Sessions counted as failed across every policy.
    public var totalFailed: Int { policies.reduce(0) { $0 + $1.failedSessionCount } }
}

/// One `policies` entry: the policy a sender applied and what happened to the sessions under it (RFC 8460 §4.2).
public struct PolicyResult: Sendable, Hashable {
    /// `policy`: the policy applied.
    public var policy: Policy
    /// `summary.total-successful-session-count`.
    public var successfulSessionCount: Int
    /// `summary.total-failure-session-count`.
    public var failedSessionCount: Int
    /// `failure-details`: failures grouped by result type and hosts (RFC 8460 §4.3).
    public var failureDetails: [FailureDetail]

    /// A policy's counts as reported.
    public init(policy: Policy, successfulSessionCount: Int, failedSessionCount: Int, failureDetails: [FailureDetail]) {
        self.policy = policy
        self.successfulSessionCount = successfulSessionCount
        self.failedSessionCount = failedSessionCount
        self.failureDetails = failureDetails
    }

    /// A policy's counts for building a report: the failure total is the sum of the details' counts.
    public init(policy: Policy, successfulSessionCount: Int, failureDetails: [FailureDetail]) {
        self.init(policy: policy, successfulSessionCount: successfulSessionCount,
                  failedSessionCount: failureDetails.reduce(0) { $0 + $1.failedSessionCount }, failureDetails: failureDetails)
    }
}

/// The `policy` object: which policy the sender applied to the domain (RFC 8460 §4.2).
public struct Policy: Sendable, Hashable {
    /// `policy-type`.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// An MTA-STS policy (RFC 8461).
        case sts
        /// DANE TLSA records (RFC 7672).
        case tlsa
        /// Neither was found.
        case noPolicyFound = "no-policy-found"
    }

    /// `policy-type`.
    public var kind: Kind
    /// `policy-string`: the MTA-STS policy's lines or the TLSA records in presentation form.
    public var strings: [String]
    /// `policy-domain`: the domain the policy belongs to.
    public var domain: String
    /// `mx-host`: the MTA-STS policy's MX patterns.
    public var mxHosts: [String]

    /// A policy as applied.
    public init(kind: Kind, strings: [String] = [], domain: String, mxHosts: [String] = []) {
        self.kind = kind
        self.strings = strings
        self.domain = domain
        self.mxHosts = mxHosts
    }
}

/// A `failure-details` entry: how many sessions failed one way, between which hosts (RFC 8460 §4.3).
public struct FailureDetail: Sendable, Hashable {
    /// `result-type`: what went wrong.
    public var resultType: ResultType
    /// `sending-mta-ip`.
    public var sendingMTAIP: String?
    /// `receiving-mx-hostname`.
    public var receivingMXHostname: String?
    /// `receiving-mx-helo`.
    public var receivingMXHelo: String?
    /// `receiving-ip`.
    public var receivingIP: String?
    /// `failed-session-count`.
    public var failedSessionCount: Int
    /// `additional-information`: a URI with more about the failure.
    public var additionalInformation: String?
    /// `failure-reason-code`: the sender's own error text or code.
    public var failureReasonCode: String?

    /// A failure detail.
    public init(resultType: ResultType, sendingMTAIP: String? = nil, receivingMXHostname: String? = nil,
                receivingMXHelo: String? = nil, receivingIP: String? = nil, failedSessionCount: Int,
                additionalInformation: String? = nil, failureReasonCode: String? = nil) {
        self.resultType = resultType
        self.sendingMTAIP = sendingMTAIP
        self.receivingMXHostname = receivingMXHostname
        self.receivingMXHelo = receivingMXHelo
        self.receivingIP = receivingIP
        self.failedSessionCount = failedSessionCount
        self.additionalInformation = additionalInformation
        self.failureReasonCode = failureReasonCode
    }
}

/// A `result-type` (RFC 8460 §4.3; the IANA "STARTTLS Validation Result Types" registry, which may grow).
public struct ResultType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The name as written in reports, e.g. `certificate-expired`.
    public let rawValue: String
    /// A result type by name; ``Report/parse(json:)`` accepts lower-case letters, digits and `-`, up to 64 of them.
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    // Negotiation failures (§4.3.1).
    public static let starttlsNotSupported = ResultType(rawValue: "starttls-not-supported")
    public static let certificateHostMismatch = ResultType(rawValue: "certificate-host-mismatch")
    public static let certificateExpired = ResultType(rawValue: "certificate-expired")
    public static let certificateNotTrusted = ResultType(rawValue: "certificate-not-trusted")
    public static let validationFailure = ResultType(rawValue: "validation-failure")
    // DANE policy failures (§4.3.2.1).
    public static let tlsaInvalid = ResultType(rawValue: "tlsa-invalid")
    public static let dnssecInvalid = ResultType(rawValue: "dnssec-invalid")
    public static let daneRequired = ResultType(rawValue: "dane-required")
    // MTA-STS policy failures (§4.3.2.2).
    public static let stsPolicyFetchError = ResultType(rawValue: "sts-policy-fetch-error")
    public static let stsPolicyInvalid = ResultType(rawValue: "sts-policy-invalid")
    public static let stsWebPKIInvalid = ResultType(rawValue: "sts-webpki-invalid")

    /// The eleven result types RFC 8460 registers.
    public static let registered: [ResultType] = [
        .starttlsNotSupported, .certificateHostMismatch, .certificateExpired, .certificateNotTrusted, .validationFailure,
        .tlsaInvalid, .dnssecInvalid, .daneRequired, .stsPolicyFetchError, .stsPolicyInvalid, .stsWebPKIInvalid,
    ]

    /// Whether RFC 8460 registers this type; others come from later registrations and are kept as they are.
    public var isRegistered: Bool { Self.registered.contains(self) }
}
