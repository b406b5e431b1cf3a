import DKIM
import DMARC
import Foundation
import SMTP
import TLSRPT

/// An aggregate report as mail (RFC 9990 §3.1.2.8): a `multipart/mixed` message with a short text part and the report
/// gzipped as an `application/gzip` attachment named `submitter!policy-domain!begin!end.xml.gz`, the subject
/// `Report Domain: … Submitter: … Report-ID: <…>`, DKIM-signed for the `From` domain so the mail passes DMARC.
struct DMARCReportMail: Sendable {
    /// The MIME boundary: `=_` never occurs in base64 text.
    static let boundary = "=_dmarc_report_boundary"

    let report: AggregateReport
    let submitter: String
    /// The report gzipped (RFC 1952).
    let gzip: [UInt8]

    init(report: AggregateReport, submitter: String) throws(TLSRPTError) {
        self.report = report
        self.submitter = submitter
        gzip = try Gzip.compress(report.xml())
    }

    /// `receiver "!" policy-domain "!" begin-timestamp "!" end-timestamp ".xml.gz"` (RFC 9990 §3.1.2.8); the same each
    /// time the report is built, as §3.1.2.8 requires of a re-sent report.
    var filename: String {
        "\(submitter)!\(report.policy.domain)!\(report.metadata.begin)!\(report.metadata.end).xml.gz"
    }

    /// The `dmarc-subject` of RFC 9990 §3.1.2.8.
    var subject: String {
        "Report Domain: \(report.policy.domain) Submitter: \(submitter) Report-ID: <\(report.metadata.reportID)>"
    }

    /// The message for `recipient`, signed by `signer`; lines end in CRLF and stay under 78 octets but for the subject,
    /// which is folded before `Submitter:` and `Report-ID:` as in the RFC's example.
    func message(from: String, to recipient: String, date: Date, signer: DKIMSigner) throws(DKIMError) -> [UInt8] {
        let lines = [
            "From: <\(from)>",
            "To: <\(recipient)>",
            "Subject: Report Domain: \(report.policy.domain)",
            "    Submitter: \(submitter)",
            "    Report-ID: <\(report.metadata.reportID)>",
            "Date: \(MailMessage.rfc5322Date(date))",
            "Message-ID: <\(report.metadata.reportID)>",
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"\(Self.boundary)\"",
            "",
            "This is a DMARC aggregate report (RFC 9990).",
            "",
            "--\(Self.boundary)",
            "Content-Type: text/plain; charset=us-ascii",
            "Content-Transfer-Encoding: 7bit",
            "",
            "DMARC aggregate report from \(submitter) about \(report.policy.domain).",
            "",
            "--\(Self.boundary)",
            "Content-Type: application/gzip; name=\"\(filename)\"",
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename=\"\(filename)\"",
            "",
            Data(gzip).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]),
            "--\(Self.boundary)--",
            "",
        ]
        let unsigned = Array(lines.joined(separator: "\r\n").utf8)
        let signature = try signer.signature(for: try DKIMMessage(parsing: unsigned), at: date)
        return signature.raw + Array("\r\n".utf8) + unsigned
    }
}
