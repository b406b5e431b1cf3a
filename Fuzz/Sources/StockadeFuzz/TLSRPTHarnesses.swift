import TLSRPT

/// `Report.parse(_:)`: a TLS report as JSON, gzip or a whole mail (RFC 8460 §4, §5.3).
enum TLSRPTReportHarness {
    static func run(_ input: [UInt8]) {
        let parsed: ParsedReport
        do {
            parsed = try Report.parse(input)
        } catch {
            require(!error.reason.isEmpty, "a TLSRPTError without a reason")
            return
        }
        let report = parsed.report
        require(input.count <= Report.maximumMailSize, "accepted \(input.count) octets")
        require(report.start <= report.end, "inverted date range \(report.start) … \(report.end)")
        require(!report.reportID.isEmpty && !report.organizationName.isEmpty, "empty report-id or organization-name")
        for entry in report.policies {
            require((0...Report.maximumCount).contains(entry.successfulSessionCount), "successful count \(entry.successfulSessionCount)")
            require((0...Report.maximumCount).contains(entry.failedSessionCount), "failed count \(entry.failedSessionCount)")
            require(entry.failureDetails.allSatisfy { (0...Report.maximumCount).contains($0.failedSessionCount) }, "detail count out of range")
        }
        // What Stockade writes reads back as the same report; the only deviations left are the input's own that writing
        // cannot repair (a member that was missing stays missing), never new ones.
        do {
            let again = try Report.parse(json: report.json())
            require(again.report == report, "round trip changed the report")
            require(Set(again.deviations).isSubset(of: Set(parsed.deviations)),
                    "a built report needed new deviations: \(again.deviations) (input: \(parsed.deviations))")
        } catch {
            fatalError("a built report is refused: \(error)")
        }
    }
}

/// `BoundedInflater`: never inflates more than its limit plus one octet, whatever the input.
enum TLSRPTGzipHarness {
    static let limit = 1 << 16

    static func run(_ input: [UInt8]) {
        var inflater = BoundedInflater(limit: limit)
        let output: [UInt8]
        do {
            output = try inflater.inflate(input)
        } catch {
            require(inflater.inflatedCount <= limit + 1, "inflated \(inflater.inflatedCount) octets")
            return
        }
        require(output.count <= limit && output.count == inflater.inflatedCount, "output \(output.count), counted \(inflater.inflatedCount)")
    }
}

/// `TLSRPTRecord(parsing:)`: the `_smtp._tls` TXT RRset (RFC 8460 §3). Input: records separated by LF, each
/// record's character-strings separated by NUL.
enum TLSRPTRecordHarness {
    static func run(_ input: [UInt8]) {
        let rrset = input.split(separator: 0x0A, omittingEmptySubsequences: false).map { record in
            record.split(separator: 0x00, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        }
        let record: TLSRPTRecord
        do {
            record = try TLSRPTRecord(parsing: rrset)
        } catch {
            require(!error.reason.isEmpty, "a TLSRPTError without a reason")
            return
        }
        require((1...TLSRPTRecord.maximumURIs).contains(record.rua.count), "\(record.rua.count) rua URIs")
        do {
            let again = try TLSRPTRecord(parsing: record.text)
            require(again == record, "text round trip changed the record")
        } catch {
            fatalError("the text of a record is refused: \(error)")
        }
    }
}
