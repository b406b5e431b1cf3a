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

    /// The file names of a DMARC report part sent as `application/octet-stream` (RFC 9990 §5.2.1 names them
    /// `receiver!policy-domain!begin!end[!id].xml[.gz|.zip]`).
    static let dmarcFileSuffixes = [".xml", ".xml.gz", ".zip", ".gz"]

    static func kind(of mail: [UInt8]) -> Kind {
        guard let message = try? MIMEEntity(mail[...]) else { return .unknown("the mail's header cannot be read") }
        let type = message.contentType
        if type.mediaType == "multipart/report", type.parameters["report-type"]?.lowercased() == "tlsrpt" { return .tlsrpt }
        if (try? dmarcPart(of: message)) != nil { return .dmarc }
        return .unknown("the mail is neither a TLSRPT report (RFC 8460 §5.3) nor a DMARC aggregate report (RFC 9990 §5.2)")
    }

    /// The XML of a mailed DMARC aggregate report: the whole mail or the first report part of a multipart mail (one
    /// level of nesting), transfer-decoded, then inflated (gzip) or extracted (zip) to at most `limit` octets.
    static func dmarcDocument(_ mail: [UInt8], limit: Int) throws(ReportsError) -> [UInt8] {
        let message: MIMEEntity
        do { message = try MIMEEntity(mail[...]) } catch { throw .malformedMail(error.reason) }
        guard let part = try dmarcPart(of: message) else { throw .notAReport("no DMARC aggregate report part (RFC 9990 §5.2)") }
        let content: [UInt8]
        do {
            content = try TransferEncoding.decode(part.body, encoding: part.field("content-transfer-encoding"))
        } catch {
            throw .malformedMail(error.reason)
        }
        if content.starts(with: [0x1F, 0x8B]) {
            var inflater = BoundedInflater(limit: limit)
            do {
                return try inflater.inflate(content)
            } catch where error.code == .inflateLimitExceeded {
                throw .tooLarge("the gzipped report", limit)
            } catch {
                throw .corruptCompression("the gzipped report: \(error.reason)")
            }
        }
        if content.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try ZipReader.extract(content, limit: limit) }
        guard content.count <= limit else { throw .tooLarge("the report", limit) }
        return content
    }

    /// The entity holding the report: the message itself, or a part (searched one multipart level deep).
    private static func dmarcPart(of entity: MIMEEntity, depth: Int = 0) throws(ReportsError) -> MIMEEntity? {
        let type = entity.contentType
        if isDMARCPart(entity) { return entity }
        guard type.mediaType.hasPrefix("multipart/"), depth < 2, let boundary = type.parameters["boundary"] else { return nil }
        let parts: [ArraySlice<UInt8>]
        do { parts = try Report.parts(of: entity.body, boundary: Array(boundary.utf8)) } catch { throw .malformedMail(error.reason) }
        for bytes in parts {
            guard let part = try? MIMEEntity(bytes) else { continue }
            if let found = try dmarcPart(of: part, depth: depth + 1) { return found }
        }
        return nil
    }

    private static func isDMARCPart(_ entity: MIMEEntity) -> Bool {
        let type = entity.contentType
        if dmarcMediaTypes.contains(type.mediaType) { return true }
        guard type.mediaType == "application/octet-stream" else { return false }
        let name = (type.parameters["name"] ?? entity.field("content-disposition").map(ContentType.init)?.parameters["filename"] ?? "").lowercased()
        return dmarcFileSuffixes.contains { name.hasSuffix($0) }
    }
}
