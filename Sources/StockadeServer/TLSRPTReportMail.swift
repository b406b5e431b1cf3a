import DKIM
import Foundation
import Store
import TLSRPT

/// A TLS report as mail (RFC 8460 §5.3, built by ``TLSRPT/Report/mail(from:to:policyDomain:submitter:date:messageID:boundary:)``),
/// DKIM-signed for the `From` domain (RFC 8460 §3 recommends it) and queued in the outbox as a prepared message.
enum TLSRPTReportMail {
    /// The outbox row for `report` to `recipient`.
    static func record(_ report: Report, policyDomain: String, recipient: String, settings: TLSRPTSettings,
                       signer: DKIMSigner, at time: Date) throws -> OutgoingMailRecord {
        let unsigned = try report.mail(from: settings.from, to: recipient, policyDomain: policyDomain, submitter: settings.submitter,
                                       date: time, messageID: report.reportID)
        let signature = try signer.signature(for: try DKIMMessage(parsing: unsigned), at: time)
        return PreparedMail.record(recipient: recipient, subject: "Report Domain: \(policyDomain) Submitter: \(settings.submitter)",
                                   message: signature.raw + Array("\r\n".utf8) + unsigned, createdAt: time)
    }

    /// Whether an outbox row carries a TLS report: its session is not counted, so reports never report about
    /// reports.
    static func isReport(_ mail: OutgoingMailRecord) -> Bool {
        guard let message = PreparedMail.message(of: mail) else { return false }
        let text = String(decoding: message.prefix(16 << 10), as: UTF8.self)
        let headerEnd = text.range(of: "\r\n\r\n")?.lowerBound ?? text.endIndex
        return text[..<headerEnd].contains("\r\nTLS-Report-Domain: ")
    }
}
