import SPF

/// `SPFRecord(parsing:)`: a TXT record's joined strings (RFC 7208 §4.5, §12). Properties: a typed error with a reason,
/// or a record within the length and term limits whose text reads back as the same record, with every directive's
/// text a term of the input.
enum SPFRecordHarness {
    static func run(_ input: [UInt8]) {
        let record: SPFRecord
        do {
            record = try SPFRecord(parsing: input)
        } catch {
            require(!error.reason.isEmpty, "an SPFError without a reason")
            return
        }
        require(input.count <= SPFRecord.maximumLength, "accepted a record of \(input.count) octets")
        require(SPFRecord.isSPFRecord(input), "accepted a record without v=spf1")
        require(record.directives.count <= SPFRecord.maximumTerms, "\(record.directives.count) directives")
        require(record.text.utf8.elementsEqual(input), "record text differs from the input")
        let terms = Set(record.text.split(separator: " ").map(String.init))
        for directive in record.directives {
            require(terms.contains(directive.text), "directive \(directive.text) is not a term of the input")
        }
        do {
            let again = try SPFRecord(parsing: record.text)
            require(again == record, "the record's text reads back differently: \(record.text)")
        } catch {
            fatalError("the text of an accepted record is refused: \(error); text \(record.text)")
        }
    }
}
