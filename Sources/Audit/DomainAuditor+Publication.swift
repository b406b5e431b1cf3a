import DNS

extension DomainAuditor {
    /// What DNS publishes now against the records `stockade init` printed: each name and type present with the expected
    /// data (other records beside it are fine), concurrently.
    func publicationFindings(_ domain: String) async -> [Finding] {
        var groups: [(name: String, type: RecordType, records: [ExpectedRecord])] = []
        for record in configuration.expected {
            if let index = groups.firstIndex(where: { $0.name == record.name && $0.type == record.type }) {
                groups[index].records.append(record)
            } else {
                groups.append((record.name, record.type, [record]))
            }
        }
        return await withTaskGroup(of: (Int, [Finding]).self) { group in
            for (index, entry) in groups.enumerated() {
                group.addTask { (index, await compare(entry.name, entry.type, entry.records)) }
            }
            var parts: [(Int, [Finding])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    private func compare(_ name: String, _ type: RecordType, _ expected: [ExpectedRecord]) async -> [Finding] {
        guard let answer = try? await resolver.resolve(name, type), answer.responseCode == .noError || answer.isNXDomain else {
            return [Finding(.publication, .error, "published-lookup-failed", "no answer for \(name) \(type)", "RFC 1035 §4.3")]
        }
        let published = Set(answer.rrset.map { ExpectedRecord.normalized($0.data, type: type) })
        return expected.map { record in
            let line = "\(name) \(type) \(record.data)"
            if published.contains(record.normalizedData) {
                return Finding(.publication, .ok, "published", "\(line) is published", "RFC 1035 §5.1")
            }
            if published.isEmpty {
                return Finding(.publication, .error, "published-missing", "\(line) is not published", "RFC 1035 §5.1")
            }
            return Finding(.publication, .warning, "published-differs", "\(line) is not published; DNS has \(published.sorted().joined(separator: " | "))",
                           "RFC 1035 §5.1")
        }
    }
}
