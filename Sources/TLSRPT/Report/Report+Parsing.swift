import NIOCore

extension Report {
    /// The largest report read, in octets of JSON (after inflating).
    public static let maximumSize = JSONReader.maximumSize
    /// The largest count a report may give: 2^53 − 1, the exactly representable integers of I-JSON (RFC 7493 §2.2).
    public static let maximumCount = (1 << 53) - 1

    /// Reads the JSON form of a report (RFC 8460 §4.4) strictly as I-JSON (RFC 7493).
    ///
    /// Required members and their types are checked exactly; unknown members are ignored (RFC 8460 §4.4 allows
    /// extension). The departures of ``Deviation/Kind`` are accepted and listed in the result.
    /// - Throws: ``TLSRPTError`` naming the member at fault.
    public static func parse(json bytes: [UInt8]) throws(TLSRPTError) -> ParsedReport {
        var reader = ReportReader()
        let report = try reader.report(JSONReader.read(bytes))
        return ParsedReport(report: report, deviations: reader.deviations, form: .json)
    }
}

/// Types a report from its JSON tree, collecting tolerated deviations.
struct ReportReader {
    var deviations: [Deviation] = []

    mutating func report(_ value: JSONValue) throws(TLSRPTError) -> Report {
        let root = try Object(value, path: "report")
        let range = try Object(root.required("date-range"), path: "date-range")
        let start = try date(range.required("start-datetime"), path: "date-range.start-datetime")
        let end = try date(range.required("end-datetime"), path: "date-range.end-datetime")
        guard start <= end else { throw .invertedDateRange }
        let organization = try root.string("organization-name")
        guard !organization.isEmpty else { throw .invalidValue("organization-name", "empty") }
        let reportID = try root.string("report-id")
        guard !reportID.isEmpty else { throw .invalidValue("report-id", "empty") }
        let contact = try root.string("contact-info")
        guard case .array(let entries) = try root.required("policies") else { throw .wrongType("policies", expected: "an array") }
        var policies: [PolicyResult] = []
        for (position, entry) in entries.enumerated() {
            policies.append(try policyResult(entry, path: "policies[\(position)]"))
        }
        return Report(organizationName: organization, start: start, end: end, contactInfo: contact, reportID: reportID,
                      policies: policies)
    }

    mutating func date(_ value: JSONValue, path: String) throws(TLSRPTError) -> ReportDate {
        guard case .string(let text) = value else { throw .wrongType(path, expected: "a string") }
        guard let (date, form) = ReportDate.parse(text) else { throw .invalidDate(path, text) }
        if form == .withoutTimeZone { deviations.append(Deviation(.dateWithoutTimeZone, at: path)) }
        return date
    }

    mutating func policyResult(_ value: JSONValue, path: String) throws(TLSRPTError) -> PolicyResult {
        let entry = try Object(value, path: path)
        let policy = try self.policy(entry.required("policy"), path: path + ".policy")
        let summary = try Object(entry.required("summary"), path: path + ".summary")
        let successful = try summary.count("total-successful-session-count")
        let failed = try summary.count("total-failure-session-count")
        var details: [FailureDetail] = []
        if let value = entry.optional("failure-details") {
            guard case .array(let elements) = value else { throw .wrongType(path + ".failure-details", expected: "an array") }
            for (position, element) in elements.enumerated() {
                details.append(try failureDetail(element, path: path + ".failure-details[\(position)]"))
            }
        }
        return PolicyResult(policy: policy, successfulSessionCount: successful, failedSessionCount: failed, failureDetails: details)
    }

    mutating func policy(_ value: JSONValue, path: String) throws(TLSRPTError) -> Policy {
        let object = try Object(value, path: path)
        let typeName = try object.string("policy-type")
        guard let kind = Policy.Kind(rawValue: typeName) else {
            throw .invalidValue(path + ".policy-type", "\"\(typeName)\" is not sts, tlsa or no-policy-found")
        }
        let domain = try object.string("policy-domain")
        guard !domain.isEmpty else { throw .invalidValue(path + ".policy-domain", "empty") }
        var strings: [String] = []
        if let value = object.optional("policy-string") {
            strings = try stringArray(value, path: path + ".policy-string")
        } else if kind != .noPolicyFound {
            deviations.append(Deviation(.missingPolicyString, at: path))
        }
        var mxHosts: [String] = []
        switch object.optional("mx-host") {
        case nil: break
        case .string(let host)?:
            deviations.append(Deviation(.mxHostAsString, at: path + ".mx-host"))
            mxHosts = [host]
        case let value?: mxHosts = try stringArray(value, path: path + ".mx-host")
        }
        return Policy(kind: kind, strings: strings, domain: domain, mxHosts: mxHosts)
    }

    func stringArray(_ value: JSONValue, path: String) throws(TLSRPTError) -> [String] {
        guard case .array(let elements) = value else { throw .wrongType(path, expected: "an array of strings") }
        var strings: [String] = []
        for element in elements {
            guard case .string(let text) = element else { throw .wrongType(path, expected: "an array of strings") }
            strings.append(text)
        }
        return strings
    }

    mutating func failureDetail(_ value: JSONValue, path: String) throws(TLSRPTError) -> FailureDetail {
        let object = try Object(value, path: path)
        let typeName = try object.string("result-type")
        guard Self.isResultTypeName(typeName) else {
            throw .invalidValue(path + ".result-type", "\"\(typeName)\" is not a result type name")
        }
        // An empty string is read as absent, so it is missing too: the report as written (without the member) reads back
        // with the same deviations.
        let sendingIP = try optionalText(object, "sending-mta-ip", path: path, isIP: true)
        if sendingIP == nil { deviations.append(Deviation(.missingSendingMTAIP, at: path)) }
        let hostname = try optionalText(object, "receiving-mx-hostname", path: path)
        if hostname == nil { deviations.append(Deviation(.missingReceivingMXHostname, at: path)) }
        return FailureDetail(resultType: ResultType(rawValue: typeName), sendingMTAIP: sendingIP, receivingMXHostname: hostname,
                             receivingMXHelo: try optionalText(object, "receiving-mx-helo", path: path),
                             receivingIP: try optionalText(object, "receiving-ip", path: path, isIP: true),
                             failedSessionCount: try object.count("failed-session-count"),
                             additionalInformation: try optionalText(object, "additional-information", path: path),
                             failureReasonCode: try optionalText(object, "failure-reason-code", path: path))
    }

    /// An optional string member; an empty string is read as absent (a tolerated deviation), and an IP member
    /// must hold an IPv4 or IPv6 address in text form (RFC 8460 §4.4 `ip-address`).
    mutating func optionalText(_ object: Object, _ name: String, path: String, isIP: Bool = false) throws(TLSRPTError) -> String? {
        guard let text = try object.optionalString(name) else { return nil }
        guard !text.isEmpty else {
            deviations.append(Deviation(.emptyOptionalMember, at: path + "." + name))
            return nil
        }
        if isIP, (try? SocketAddress(ipAddress: text, port: 0)) == nil {
            throw .invalidValue(path + "." + name, "\"\(text)\" is not an IP address")
        }
        return text
    }

    /// The longest result type name accepted.
    static let maximumResultTypeLength = 64

    /// A registered name, or one shaped like them (lower-case letters, digits and `-`) for later registrations.
    static func isResultTypeName(_ name: String) -> Bool {
        (1...maximumResultTypeLength).contains(name.utf8.count)
            && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }
}

/// An object's members by name, with the path used in error messages (reports and collector datagrams).
struct Object {
    let members: [String: JSONValue]
    let path: String

    init(_ value: JSONValue, path: String) throws(TLSRPTError) {
        guard case .object(let list) = value else { throw .wrongType(path, expected: "an object") }
        var members: [String: JSONValue] = [:]
        for member in list { members[member.name] = member.value }
        self.members = members
        self.path = path
    }

    private func path(_ name: String) -> String { path == "report" ? name : path + "." + name }

    func optional(_ name: String) -> JSONValue? { members[name] }

    func required(_ name: String) throws(TLSRPTError) -> JSONValue {
        guard let value = members[name] else { throw .missingField(path, name) }
        return value
    }

    func string(_ name: String) throws(TLSRPTError) -> String {
        guard case .string(let text) = try required(name) else { throw .wrongType(path(name), expected: "a string") }
        return text
    }

    func optionalString(_ name: String) throws(TLSRPTError) -> String? {
        guard let value = members[name] else { return nil }
        guard case .string(let text) = value else { throw .wrongType(path(name), expected: "a string") }
        return text
    }

    /// A non-negative integer written without fraction or exponent, at most ``Report/maximumCount``.
    func count(_ name: String) throws(TLSRPTError) -> Int {
        guard case .number(let text) = try required(name) else { throw .wrongType(path(name), expected: "an integer") }
        if text.hasPrefix("-") {
            guard text != "-0" else { throw .wrongType(path(name), expected: "an integer") }
            throw .negativeCount(path(name))
        }
        guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { throw .wrongType(path(name), expected: "an integer") }
        guard let value = Int(text), value <= Report.maximumCount else { throw .invalidValue(path(name), "larger than 2^53 - 1") }
        return value
    }
}
