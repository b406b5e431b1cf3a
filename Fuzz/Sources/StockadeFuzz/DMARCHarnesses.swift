import DMARC

/// `DMARCRecord.select(_:)` and `DMARCRecord(parsing:)`: a `_dmarc` TXT RRset (RFC 9989 §4.7, §4.8, §4.10 step 2).
/// Input: records separated by LF, each already concatenated, decoded leniently as a resolver's caller would.
enum DMARCRecordHarness {
    static func run(_ input: [UInt8]) {
        let rrset = input.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let records = rrset.compactMap(DMARCRecord.init(parsing:))
        let selected = DMARCRecord.select(rrset)
        require(selected == (records.count == 1 ? records[0] : nil), "select disagrees with parsing each record")
        for record in records {
            require(record.text.utf8.count <= DMARCRecord.maximumLength, "accepted a record of \(record.text.utf8.count) octets")
            let separators = record.text.utf8.filter { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: ",") }.count
            require(record.discarded.count <= separators + 1, "\(record.discarded.count) discarded tags for \(separators) separators")
            require(record.aggregateReportURIs.count <= DMARCRecord.maximumReportURIs, "\(record.aggregateReportURIs.count) rua URIs")
            require(record.failureReportURIs.count <= DMARCRecord.maximumReportURIs, "\(record.failureReportURIs.count) ruf URIs")
            require(!(record.failureReportingOptions.contains(.allFail) && record.failureReportingOptions.contains(.anyFail)), "fo has 0 and 1")
            require(Set(record.failureReportingOptions).count == record.failureReportingOptions.count, "fo repeats an option")
            require(record.hasInvalidPolicy == !record.invalidPolicyTags.isEmpty, "invalid policy flag")
            require(record.invalidPolicyTags.allSatisfy { ["p", "sp", "np"].contains($0) }, "invalid tags \(record.invalidPolicyTags)")
            for uri in record.aggregateReportURIs + record.failureReportURIs {
                require(uri.text.utf8.count <= ReportURI.maximumLength, "a URI of \(uri.text.utf8.count) octets")
                require(!uri.uri.contains(",") && !uri.uri.contains("!") && !uri.uri.contains(" "), "URI \(uri.uri)")
                require(ReportURI(uri.text[...]) == uri, "URI text does not read back: \(uri.text)")
            }
            require(DMARCRecord(parsing: record.text) == record, "parsing is not deterministic")
        }
    }
}

/// `AuthenticationResults(parsing:)` (RFC 8601 §2.2): limits, and what Stockade writes from a parsed field reads back
/// as the same field, folded or not.
enum AuthenticationResultsHarness {
    static func run(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        let claimed = AuthenticationResults.hasAuthservID("mx.example.org", in: text)
        let field: AuthenticationResults
        do {
            field = try AuthenticationResults(parsing: text)
        } catch {
            require(!error.reason.isEmpty, "an AuthenticationResultsError without a reason")
            return
        }
        require(input.count <= AuthenticationResults.maximumLength, "accepted a field of \(input.count) octets")
        require(field.results.count <= AuthenticationResults.maximumResults, "\(field.results.count) results")
        require(field.results.allSatisfy { $0.properties.count <= AuthenticationResults.maximumProperties }, "too many properties")
        require(claimed == (field.authservID.lowercased() == "mx.example.org"), "hasAuthservID disagrees with the parser")
        for written in [field.value, field.field(), field.field(lineEnding: "\n")] {
            do {
                let again = try AuthenticationResults(parsing: written)
                require(again == field, "written field reads back differently: \(written)")
            } catch {
                fatalError("a written field is refused: \(error); field \(written)")
            }
        }
    }
}
