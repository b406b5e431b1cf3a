extension AggregateReport {
    /// The namespace of the DMARC working drafts' schema, which some RFC 7489 reporters declare.
    public static let draftNamespace = "http://dmarc.org/dmarc-xml/0.1"
    /// The longest text value kept from one element, in octets (`human_result`, `comment`, `error` included).
    public static let maximumValueLength = 4096
    /// The largest report read, in octets (``BoundedXML/maximumSize``).
    public static let maximumXMLSize = BoundedXML.maximumSize

    /// Reads an aggregate report from its XML (RFC 9990 Appendix A, or RFC 7489 Appendix C), through ``BoundedXML``'s
    /// limits. Gzip and MIME are the caller's.
    ///
    /// Strict: the XML must be well-formed, required elements present once, optional ones at most once, enumerated
    /// values from the schema's lists, numbers in range, at least one `record` (RFC 9990 §3.1.1.2).
    /// Tolerated, because large reporters send them (each case is in `AggregateReportReadingTests`):
    /// - the RFC 7489 form: no namespace, or ``draftNamespace``; `pct` in `policy_published`; several `error`s;
    ///   `scope` `helo`; `forwarded` and `sampled_out` reasons; a DKIM result without `selector`;
    /// - white space around values, and enumerated values in any case (`Pass`);
    /// - a byte order mark; extra namespace declarations on the root (`xmlns:xsi`, `xmlns:xsd`);
    /// - `version` other than `1.0`, or absent;
    /// - unknown elements in our namespace and elements in other namespaces anywhere (extensions, §3.2): ignored.
    public init(xml bytes: [UInt8]) throws(AggregateReportError) {
        let root = try BoundedXML.parse(bytes)
        guard root.name == "feedback" else { throw .invalid("the root element is not feedback") }
        let form: Form
        switch root.namespace {
        case Self.namespace?: form = .rfc9990
        case nil, Self.draftNamespace?: form = .rfc7489
        default: throw .invalid("the root element is in an unknown namespace")
        }
        let reader = Reader(namespace: root.namespace)
        let metadata = try reader.metadata(reader.one("report_metadata", in: root))
        let policy = try reader.policy(reader.one("policy_published", in: root))
        let recordNodes = reader.all("record", in: root)
        guard !recordNodes.isEmpty else { throw .invalid("a report needs at least one record (RFC 9990 §3.1.1.2)") }
        var records: [Record] = []
        records.reserveCapacity(recordNodes.count)
        for node in recordNodes { records.append(try reader.record(node)) }
        self.init(version: try reader.optional("version", in: root).map(reader.text), metadata: metadata, policy: policy,
                  records: records, form: form)
    }
}

/// Typed values from the element tree, in the report's namespace.
private struct Reader {
    let namespace: String?

    func all(_ name: String, in node: XMLNode) -> [XMLNode] {
        node.children.filter { $0.name == name && $0.namespace == namespace }
    }

    func optional(_ name: String, in node: XMLNode) throws(AggregateReportError) -> XMLNode? {
        let found = all(name, in: node)
        guard found.count <= 1 else { throw .invalid("\(name) appears more than once in \(node.name)") }
        return found.first
    }

    func one(_ name: String, in node: XMLNode) throws(AggregateReportError) -> XMLNode {
        guard let found = try optional(name, in: node) else { throw .invalid("\(node.name) has no \(name)") }
        return found
    }

    /// The element's text without surrounding white space; longer than the limit is an error.
    func text(_ node: XMLNode) throws(AggregateReportError) -> String {
        let text = node.text.trimmingXMLSpace()
        guard text.utf8.count <= AggregateReport.maximumValueLength else {
            throw .limit("\(node.name) is longer than \(AggregateReport.maximumValueLength) octets")
        }
        return text
    }

    func string(_ name: String, in node: XMLNode) throws(AggregateReportError) -> String {
        try text(one(name, in: node))
    }

    func optionalString(_ name: String, in node: XMLNode) throws(AggregateReportError) -> String? {
        guard let found = try optional(name, in: node) else { return nil }
        return try text(found)
    }

    /// An enumerated value, compared without regard to case.
    func value<T: RawRepresentable>(_ type: T.Type, _ node: XMLNode) throws(AggregateReportError) -> T where T.RawValue == String {
        guard let value = T(rawValue: try text(node).lowercased()) else { throw .invalid("\(node.name) has a value outside its type") }
        return value
    }

    func optionalValue<T: RawRepresentable>(_ type: T.Type, _ name: String, in node: XMLNode) throws(AggregateReportError) -> T?
    where T.RawValue == String {
        guard let found = try optional(name, in: node) else { return nil }
        return try value(type, found)
    }

    func integer(_ name: String, in node: XMLNode) throws(AggregateReportError) -> Int64 {
        let digits = try string(name, in: node)
        guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int64(digits) else {
            throw .invalid("\(name) is not a non-negative integer of at most 18 digits")
        }
        return value
    }

    func metadata(_ node: XMLNode) throws(AggregateReportError) -> AggregateReport.Metadata {
        let range = try one("date_range", in: node)
        let begin = try integer("begin", in: range)
        let end = try integer("end", in: range)
        guard begin <= end else { throw .invalid("date_range ends before it begins") }
        var errors: [String] = []
        for error in all("error", in: node) { errors.append(try text(error)) }
        return .init(orgName: try string("org_name", in: node), email: try string("email", in: node),
                     extraContactInfo: try optionalString("extra_contact_info", in: node), reportID: try string("report_id", in: node),
                     begin: begin, end: end, errors: errors, generator: try optionalString("generator", in: node))
    }

    func policy(_ node: XMLNode) throws(AggregateReportError) -> AggregateReport.PolicyPublished {
        var pct: Int?
        if let text = try optionalString("pct", in: node) {
            guard let value = Int(text), (0...100).contains(value) else { throw .invalid("pct is not an integer from 0 to 100") }
            pct = value
        }
        var testing: Bool?
        if let text = try optionalString("testing", in: node) {
            switch text.lowercased() {
            case "y": testing = true
            case "n": testing = false
            default: throw .invalid("testing is not y or n")
            }
        }
        return .init(domain: try string("domain", in: node),
                     discoveryMethod: try optionalValue(AggregateReport.PolicyPublished.DiscoveryMethod.self, "discovery_method", in: node),
                     p: try value(DMARCRecord.Policy.self, one("p", in: node)),
                     sp: try optionalValue(DMARCRecord.Policy.self, "sp", in: node),
                     np: try optionalValue(DMARCRecord.Policy.self, "np", in: node),
                     fo: try optionalString("fo", in: node),
                     adkim: try optionalValue(DMARCRecord.AlignmentMode.self, "adkim", in: node),
                     aspf: try optionalValue(DMARCRecord.AlignmentMode.self, "aspf", in: node),
                     testing: testing, pct: pct)
    }

    func record(_ node: XMLNode) throws(AggregateReportError) -> AggregateReport.Record {
        let row = try one("row", in: node)
        let sourceIP = try string("source_ip", in: row)
        guard !sourceIP.isEmpty, sourceIP.utf8.count <= 45,
              sourceIP.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0 | 0x20) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") })
        else { throw .invalid("source_ip is not an IP address") }
        let count = try integer("count", in: row)
        guard count <= Int64(Int32.max) else { throw .invalid("count is larger than 2^31 - 1") }
        let evaluated = try one("policy_evaluated", in: row)
        var reasons: [AggregateReport.OverrideReason] = []
        for reason in all("reason", in: evaluated) {
            reasons.append(.init(try value(AggregateReport.OverrideReason.Kind.self, one("type", in: reason)),
                                 comment: try optionalString("comment", in: reason)))
        }
        let identifiers = try one("identifiers", in: node)
        let results = try one("auth_results", in: node)
        var signatures: [AggregateReport.DKIMResult] = []
        for signature in all("dkim", in: results) {
            signatures.append(.init(domain: try string("domain", in: signature), selector: try optionalString("selector", in: signature),
                                    result: try value(DKIMOutcome.Result.self, one("result", in: signature)),
                                    humanResult: try optionalString("human_result", in: signature)))
        }
        var spf: AggregateReport.SPFResult?
        if let node = try optional("spf", in: results) {
            spf = .init(domain: try string("domain", in: node),
                        scope: try optionalValue(AggregateReport.SPFResult.Scope.self, "scope", in: node),
                        result: try value(AggregateReport.SPFResult.Result.self, one("result", in: node)),
                        humanResult: try optionalString("human_result", in: node))
        }
        return .init(sourceIP: sourceIP, count: Int(count),
                     evaluated: .init(disposition: try value(AggregateReport.PolicyEvaluated.Disposition.self, one("disposition", in: evaluated)),
                                      dkimAligned: try aligned("dkim", in: evaluated), spfAligned: try aligned("spf", in: evaluated),
                                      reasons: reasons),
                     identifiers: .init(headerFrom: try string("header_from", in: identifiers),
                                        envelopeFrom: try optionalString("envelope_from", in: identifiers),
                                        envelopeTo: try optionalString("envelope_to", in: identifiers)),
                     dkim: signatures, spf: spf)
    }

    /// `DMARCResultType`: `pass` or `fail`.
    func aligned(_ name: String, in node: XMLNode) throws(AggregateReportError) -> Bool {
        switch try string(name, in: node).lowercased() {
        case "pass": true
        case "fail": false
        default: throw .invalid("policy_evaluated/\(name) is not pass or fail")
        }
    }
}

extension String {
    /// Without leading and trailing XML white space (space, tab, CR, LF).
    fileprivate func trimmingXMLSpace() -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
