import NIOCore

/// One delivery attempt as an MTA reports it to a TLSRPT collector through libtlsrpt: a JSON datagram on a unix
/// datagram socket, protocol version `"dpv": "1"` (libtlsrpt 0.5, read by sys4's tlsrpt-collectd 0.6).
///
/// The format, as libtlsrpt writes it: `{"dpv": "1","d": DOMAIN,"pr": TLSRPT-RECORD,"policies":[POLICY,…]}`, each
/// policy `{"policy-type":N[,"policy-domain": S][,"policy-string":[S,…]][,"mx-host":[S,…]][,"failure-details":[F,…]],"t":N,"f":0|1}`
/// with `policy-type` 1 (tlsa), 2 (sts) or 9 (no-policy-found), `t` the number of failure details and `f` the
/// final result (1: the session failed under this policy), and each failure `{"c":CODE[,"s"…][,"n"…][,"h"…][,"r"…][,"a"…][,"f"…]}`:
/// the result type as a number (201–205, 301–306) and the RFC 8460 §4.3 fields by their first letter.
public struct CollectorDatagram: Sendable, Hashable {
    /// The only datagram protocol version (`dpv`) there is.
    public static let protocolVersion = "1"
    /// The largest datagram read, in octets; libtlsrpt's own are a few hundred.
    public static let maximumSize = 64 << 10
    /// The most policies in one datagram (an MTA applies one or two: MTA-STS and DANE).
    public static let maximumPolicies = 8
    /// The most policy strings, MX patterns or failure details in one policy.
    public static let maximumEntries = 256
    /// The deepest nesting: datagram, policies, policy, failure-details, failure.
    public static let maximumDepth = 5
    /// The most JSON values in one datagram.
    public static let maximumValueCount = 4096

    /// `d`: the recipient domain the MTA delivered to, lower-cased without a trailing dot; the report's policy domain.
    public var domain: String
    /// `pr`: the `_smtp._tls` record the MTA found for ``domain``.
    public var policyRecord: String
    /// `policies`: what the session met under each policy applied.
    public var policies: [CollectorSession]

    /// A datagram's content.
    public init(domain: String, policyRecord: String, policies: [CollectorSession]) {
        self.domain = domain
        self.policyRecord = policyRecord
        self.policies = policies
    }
}

/// One `policies` entry of a datagram: one session under one policy.
public struct CollectorSession: Sendable, Hashable {
    /// The policy; its domain is the datagram's `d` when the MTA named none (libtlsrpt allows a NULL policy domain).
    public var policy: Policy
    /// `f`: whether the session failed under this policy.
    public var failed: Bool
    /// `failure-details`, each with a ``FailureDetail/failedSessionCount`` of 1.
    public var failures: [FailureDetail]

    /// A session's outcome under one policy.
    public init(policy: Policy, failed: Bool, failures: [FailureDetail]) {
        self.policy = policy
        self.failed = failed
        self.failures = failures
    }
}

extension CollectorDatagram {
    /// The result types by libtlsrpt's numbers (`tlsrpt_failure_t`).
    public static let resultTypeCodes: [Int: ResultType] = [
        201: .starttlsNotSupported, 202: .certificateHostMismatch, 203: .certificateNotTrusted, 204: .certificateExpired,
        205: .validationFailure, 301: .stsPolicyFetchError, 302: .stsPolicyInvalid, 303: .stsWebPKIInvalid,
        304: .tlsaInvalid, 305: .dnssecInvalid, 306: .daneRequired,
    ]
    /// The policy types by libtlsrpt's numbers (`tlsrpt_policy_type_t`).
    public static let policyTypeCodes: [Int: Policy.Kind] = [1: .tlsa, 2: .sts, 9: .noPolicyFound]

    /// Reads one datagram strictly: every member libtlsrpt writes is checked for its type, `t` must equal the number
    /// of failure details, unknown members are ignored.
    /// - Throws: ``TLSRPTError`` naming the member at fault, or `tooLarge`/`tooDeep`/`tooManyValues` past the limits.
    public static func parse(_ bytes: [UInt8]) throws(TLSRPTError) -> CollectorDatagram {
        guard bytes.count <= maximumSize else { throw .tooLarge("the datagram", maximumSize) }
        let root = try Object(JSONReader.read(bytes, maximumDepth: maximumDepth, maximumValueCount: maximumValueCount), path: "datagram")
        let version = try root.string("dpv")
        guard version == protocolVersion else {
            throw .invalidValue("datagram.dpv", "protocol version \"\(version)\" is not \(protocolVersion)")
        }
        let domain = Policy.normalized(try root.string("d"))
        guard !domain.isEmpty else { throw .invalidValue("datagram.d", "empty") }
        let record = try root.string("pr")
        guard case .array(let entries) = try root.required("policies") else { throw .wrongType("datagram.policies", expected: "an array") }
        guard !entries.isEmpty else { throw .invalidValue("datagram.policies", "empty") }
        guard entries.count <= maximumPolicies else { throw .tooMany("datagram.policies", maximumPolicies) }
        var sessions: [CollectorSession] = []
        for (position, entry) in entries.enumerated() {
            sessions.append(try session(entry, domain: domain, path: "datagram.policies[\(position)]"))
        }
        return CollectorDatagram(domain: domain, policyRecord: record, policies: sessions)
    }

    private static func session(_ value: JSONValue, domain: String, path: String) throws(TLSRPTError) -> CollectorSession {
        let object = try Object(value, path: path)
        let typeCode = try number(object, "policy-type", path: path)
        guard let kind = policyTypeCodes[typeCode] else { throw .invalidValue(path + ".policy-type", "\(typeCode) is not 1, 2 or 9") }
        let policyDomain = try object.optionalString("policy-domain").map(Policy.normalized) ?? domain
        guard !policyDomain.isEmpty else { throw .invalidValue(path + ".policy-domain", "empty") }
        let strings = try stringList(object, "policy-string", path: path)
        let mxHosts = try stringList(object, "mx-host", path: path)
        var failures: [FailureDetail] = []
        if let value = object.optional("failure-details") {
            guard case .array(let elements) = value else { throw .wrongType(path + ".failure-details", expected: "an array") }
            guard elements.count <= maximumEntries else { throw .tooMany(path + ".failure-details", maximumEntries) }
            for (position, element) in elements.enumerated() {
                failures.append(try failure(element, path: path + ".failure-details[\(position)]"))
            }
        }
        let count = try number(object, "t", path: path)
        guard count == failures.count else {
            throw .invalidValue(path + ".t", "\(count) failures counted, \(failures.count) given")
        }
        let final = try number(object, "f", path: path)
        guard final == 0 || final == 1 else { throw .invalidValue(path + ".f", "\(final) is not 0 or 1") }
        return CollectorSession(policy: Policy(kind: kind, strings: strings, domain: policyDomain, mxHosts: mxHosts),
                                failed: final == 1, failures: failures)
    }

    private static func failure(_ value: JSONValue, path: String) throws(TLSRPTError) -> FailureDetail {
        let object = try Object(value, path: path)
        let code = try number(object, "c", path: path)
        guard let resultType = resultTypeCodes[code] else { throw .invalidValue(path + ".c", "\(code) is not a result type code") }
        for name in ["s", "r"] {
            if let text = try object.optionalString(name), (try? SocketAddress(ipAddress: text, port: 0)) == nil {
                throw .invalidValue(path + "." + name, "\"\(text)\" is not an IP address")
            }
        }
        return FailureDetail(resultType: resultType, sendingMTAIP: try object.optionalString("s"),
                             receivingMXHostname: try object.optionalString("n"), receivingMXHelo: try object.optionalString("h"),
                             receivingIP: try object.optionalString("r"), failedSessionCount: 1,
                             additionalInformation: try object.optionalString("a"), failureReasonCode: try object.optionalString("f"))
    }

    /// A small non-negative integer (codes and counts are at most three digits).
    private static func number(_ object: Object, _ name: String, path: String) throws(TLSRPTError) -> Int {
        guard case .number(let text) = try object.required(name), (1...3).contains(text.utf8.count),
              text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(text) else {
            throw .wrongType(path + "." + name, expected: "an integer from 0 to 999")
        }
        return value
    }

    private static func stringList(_ object: Object, _ name: String, path: String) throws(TLSRPTError) -> [String] {
        guard let value = object.optional(name) else { return [] }
        guard case .array(let elements) = value else { throw .wrongType(path + "." + name, expected: "an array of strings") }
        guard elements.count <= maximumEntries else { throw .tooMany(path + "." + name, maximumEntries) }
        var strings: [String] = []
        for element in elements {
            guard case .string(let text) = element else { throw .wrongType(path + "." + name, expected: "an array of strings") }
            strings.append(text)
        }
        return strings
    }
}

extension Policy {
    /// A domain as reports and lookups name it: lower-case, no trailing dot.
    package static func normalized(_ domain: String) -> String {
        var name = domain.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }
}
