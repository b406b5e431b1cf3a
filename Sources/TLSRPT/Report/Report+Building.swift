extension Report {
    /// The report as JSON (RFC 8460 §4.4): members in the order of the RFC's schema, no insignificant whitespace.
    ///
    /// `policy-string` and `failure-details` are always written (possibly empty), `mx-host` as an array when there
    /// are patterns, optional failure-detail members when set, and dates in UTC. ``parse(json:)`` reads it back to
    /// an equal report with no deviations, provided the counts are in 0 ... ``maximumCount`` and `start <= end`.
    public func json() -> [UInt8] {
        JSONWriter.write(.object([
            .init("organization-name", .string(organizationName)),
            .init("date-range", .object([
                .init("start-datetime", .string(start.text)),
                .init("end-datetime", .string(end.text)),
            ])),
            .init("contact-info", .string(contactInfo)),
            .init("report-id", .string(reportID)),
            .init("policies", .array(policies.map(\.jsonValue))),
        ]))
    }
}

extension Policy {
    var jsonValue: JSONValue {
        var members: [JSONValue.Member] = [
            .init("policy-type", .string(kind.rawValue)),
            .init("policy-string", .array(strings.map(JSONValue.string))),
            .init("policy-domain", .string(domain)),
        ]
        if !mxHosts.isEmpty { members.append(.init("mx-host", .array(mxHosts.map(JSONValue.string)))) }
        return .object(members)
    }
}

extension PolicyResult {
    var jsonValue: JSONValue {
        .object([
            .init("policy", policy.jsonValue),
            .init("summary", .object([
                .init("total-successful-session-count", .number(String(successfulSessionCount))),
                .init("total-failure-session-count", .number(String(failedSessionCount))),
            ])),
            .init("failure-details", .array(failureDetails.map(\.jsonValue))),
        ])
    }
}

extension FailureDetail {
    var jsonValue: JSONValue {
        var members: [JSONValue.Member] = [.init("result-type", .string(resultType.rawValue))]
        let optional: [(String, String?)] = [
            ("sending-mta-ip", sendingMTAIP), ("receiving-mx-hostname", receivingMXHostname),
            ("receiving-mx-helo", receivingMXHelo), ("receiving-ip", receivingIP),
        ]
        for case let (name, value?) in optional { members.append(.init(name, .string(value))) }
        members.append(.init("failed-session-count", .number(String(failedSessionCount))))
        for case let (name, value?) in [("additional-information", additionalInformation), ("failure-reason-code", failureReasonCode)] {
            members.append(.init(name, .string(value)))
        }
        return .object(members)
    }
}
