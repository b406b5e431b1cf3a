/// What `stockade check DOMAIN` found: every finding, and a grade per area that has any.
public struct AuditReport: Sendable, Hashable, Codable {
    public var domain: String
    /// Findings in area order, then in the order they were made.
    public var findings: [Finding]

    public init(domain: String, findings: [Finding]) {
        self.domain = domain
        let order = Dictionary(uniqueKeysWithValues: Area.allCases.enumerated().map { ($1, $0) })
        self.findings = findings.enumerated()
            .sorted { (order[$0.element.area]!, $0.offset) < (order[$1.element.area]!, $1.offset) }
            .map(\.element)
    }

    /// The grade of each area with findings, in area order.
    public var grades: [(area: Area, grade: Grade)] {
        Area.allCases.compactMap { area in
            let found = findings(in: area)
            return found.isEmpty ? nil : (area, Grade(found))
        }
    }

    /// The worst grade of all areas.
    public var overall: Grade { Grade(findings) }

    /// The findings of one area.
    public func findings(in area: Area) -> [Finding] { findings.filter { $0.area == area } }

    /// The identifiers of the findings, for tests and comparisons.
    public var ids: [String] { findings.map(\.id) }

    private enum CodingKeys: String, CodingKey { case domain, overall, grades, findings }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(domain: try container.decode(String.self, forKey: .domain), findings: try container.decode([Finding].self, forKey: .findings))
    }

    /// `{"domain", "overall", "grades": {"spf": "pass", …}, "findings": [{"area", "severity", "id", "message", "reference"}]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(domain, forKey: .domain)
        try container.encode(overall, forKey: .overall)
        try container.encode(Dictionary(uniqueKeysWithValues: grades.map { ($0.area.rawValue, $0.grade) }), forKey: .grades)
        try container.encode(findings, forKey: .findings)
    }

    /// The text `stockade check` prints: the overall grade, a line per area with its grade, its findings indented.
    public var text: String {
        var lines = ["\(domain): \(overall.rawValue)"]
        for (area, grade) in grades {
            lines.append("\(area.title): \(grade.rawValue)")
            for finding in findings(in: area) {
                lines.append("  [\(finding.severity.rawValue)] \(finding.message) (\(finding.reference))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
