import TLSRPT

/// Which kind of report a mail carries, from its MIME structure.
enum MailedReport {
    enum Kind: Equatable {
        /// `multipart/report; report-type=tlsrpt` (RFC 8460 §5.3).
        case tlsrpt
        /// A DMARC aggregate report: the whole mail or one part `application/gzip`, `application/zip` or `text/xml`
        /// (RFC 9990 §5.2).
        case dmarc
        case unknown(String)
    }

    /// The media types a DMARC aggregate report comes in.
    static let dmarcMediaTypes: Set<String> = [
        "application/gzip", "application/x-gzip", "application/zip", "application/x-zip-compressed", "text/xml", "application/xml",
    ]

    static func kind(of mail: [UInt8]) -> Kind {
        guard let message = try? MIMEEntity(mail[...]) else { return .unknown("the mail's header cannot be read") }
        let type = message.contentType
        if type.mediaType == "multipart/report", type.parameters["report-type"]?.lowercased() == "tlsrpt" { return .tlsrpt }
        if dmarcMediaTypes.contains(type.mediaType) { return .dmarc }
        if type.mediaType.hasPrefix("multipart/"), let boundary = type.parameters["boundary"],
           let parts = try? Report.parts(of: message.body, boundary: Array(boundary.utf8)),
           parts.contains(where: { (try? MIMEEntity($0)).map { dmarcMediaTypes.contains($0.contentType.mediaType) } ?? false }) {
            return .dmarc
        }
        return .unknown("the mail is neither a TLSRPT report (RFC 8460 §5.3) nor a DMARC aggregate report (RFC 9990 §5.2)")
    }
}
