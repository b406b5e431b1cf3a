import DMARC

/// `AggregateReport(xml:)` (RFC 9990 Appendix A, RFC 7489 Appendix C) through ``BoundedXML``'s limits: a report or an
/// ``AggregateReportError``; a report read writes XML that reads back, and a second round trip changes nothing.
enum DMARCAggregateReportHarness {
    static func run(_ input: [UInt8]) {
        let report: AggregateReport
        do {
            report = try AggregateReport(xml: input)
        } catch {
            require(!error.reason.isEmpty, "an AggregateReportError without a reason")
            return
        }
        require(input.count <= AggregateReport.maximumXMLSize, "accepted \(input.count) octets")
        require(!report.records.isEmpty, "a report without records")
        do {
            let again = try AggregateReport(xml: report.xml())
            let written = again.xml()
            let third = try AggregateReport(xml: written).xml()
            require(third == written, "writing is not a fixed point after one round trip")
        } catch {
            fatalError("a written report is refused: \(error)")
        }
    }
}
