import DNS

/// The records an authoritative test server answers from: names (case-insensitive) with their records, some set to
/// time out.
struct ScenarioZone: Sendable {
    /// One name's data.
    struct Node: Sendable {
        var records: [ResourceRecord] = []
        /// Queries for types the name has no records of get no reply at all (the suite's `TIMEOUT`).
        var timesOut = false
    }

    var nodes: [DNSName: Node] = [:]

    /// Adds `data` at `name`.
    mutating func add(_ name: DNSName, _ type: RecordType, _ data: RecordData) {
        nodes[name, default: Node()].records.append(ResourceRecord(name: name, type: type, ttl: 300, data: data))
    }

    /// The answer an authoritative server gives `question`; `nil` for no reply. Names outside the zone are NXDOMAIN,
    /// names without records of the type NODATA; a CNAME is answered with its target's records when the zone has them.
    func answer(_ question: Question) -> (code: ResponseCode, records: [ResourceRecord])? {
        guard let node = nodes[question.name] else { return (.nameError, []) }
        let exact = node.records.filter { $0.type == question.type }
        if !exact.isEmpty { return (.noError, exact) }
        if let alias = node.records.first(where: { $0.type == .cname }), case .cname(let target) = alias.data {
            let targetRecords = nodes[target]?.records.filter { $0.type == question.type } ?? []
            return (.noError, [alias] + targetRecords)
        }
        return node.timesOut ? nil : (.noError, [])
    }

    /// The reply to `query` in wire form, truncated (TC set, no records) when larger than the UDP payload size the
    /// query offers (RFC 6891 §6.2.5; 512 without EDNS, RFC 1035 §4.2.1); `nil` for no reply.
    func reply(to query: Message, overUDP: Bool) -> [UInt8]? {
        guard let question = query.questions.first, let (code, records) = answer(question) else { return nil }
        var header = Header(id: query.header.id, isResponse: true, isAuthoritative: true,
                            recursionDesired: query.header.recursionDesired, responseCodeLow: UInt8(code.rawValue))
        var response = Message(header: header, questions: [question], answers: records, edns: query.edns.map { _ in EDNS() })
        let limit = Int(query.edns?.udpPayloadSize ?? 512)
        if overUDP, response.bytes.count > max(limit, 512) {
            header.isTruncated = true
            response = Message(header: header, questions: [question], edns: response.edns)
        }
        return response.bytes
    }
}
