import DNS

extension ExpectedRecord {
    /// The largest fragment read, in octets.
    public static let maximumFragmentSize = 64 * 1024
    /// The most records in one fragment.
    public static let maximumRecords = 256
    /// The longest line.
    public static let maximumLineLength = 4096

    /// Reads a zone-file fragment as `stockade init` writes it: one record a line, `NAME [TTL] [IN] TYPE DATA` with an
    /// absolute NAME; `;` comments (outside quotes) and blank lines skipped. No `$ORIGIN`, `$TTL` or parentheses.
    public static func parse(fragment bytes: [UInt8]) throws(AuditError) -> [ExpectedRecord] {
        guard bytes.count <= maximumFragmentSize else {
            throw AuditError(.tooLarge, "fragment of \(bytes.count) octets exceeds \(maximumFragmentSize)")
        }
        var records: [ExpectedRecord] = []
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            guard line.count <= maximumLineLength else { throw AuditError(.lineTooLong, "line \(number) is longer than \(maximumLineLength)") }
            let text = Self.withoutComment(String(decoding: line, as: UTF8.self))
            var fields = ZoneText.fields(text)
            guard !fields.isEmpty else { continue }
            guard records.count < maximumRecords else { throw AuditError(.tooManyRecords, "more than \(maximumRecords) records") }
            let name = fields.removeFirst()
            guard name.hasSuffix("."), (try? DNSName(name)) != nil else {
                throw AuditError(.relativeName, "line \(number): \(name.prefix(64)) is not an absolute domain name")
            }
            if let first = fields.first, first.allSatisfy(\.isNumber) { fields.removeFirst() }
            if fields.first?.uppercased() == "IN" { fields.removeFirst() }
            guard fields.count >= 2 else { throw AuditError(.malformedLine, "line \(number): no type and data") }
            guard let type = RecordType(fields.removeFirst()) else {
                throw AuditError(.unknownType, "line \(number): unknown record type")
            }
            records.append(ExpectedRecord(name: name, type: type, data: fields.joined(separator: " ")))
        }
        return records
    }

    /// The line up to a `;` that is not inside a quoted string.
    private static func withoutComment(_ line: String) -> String {
        var quoted = false
        var escaped = false
        var end = line.endIndex
        for index in line.indices {
            let character = line[index]
            if escaped { escaped = false; continue }
            if character == "\\" { escaped = true } else if character == "\"" { quoted.toggle() } else if character == ";", !quoted {
                end = index
                break
            }
        }
        return String(line[..<end])
    }
}
