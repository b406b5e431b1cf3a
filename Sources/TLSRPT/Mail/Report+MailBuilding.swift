public import Foundation

extension Report {
    /// The attachment's file name (RFC 8460 §5.1): `submitter!policy-domain!begin!end!unique-id.json.gz`, the times
    /// in seconds since 1970 (UTC). `uniqueID` is optional in the RFC and left out when nil.
    public func filename(submitter: String, policyDomain: String, uniqueID: String? = nil) -> String {
        ([submitter, policyDomain, String(start.secondsSince1970), String(end.secondsSince1970)] + (uniqueID.map { [$0] } ?? []))
            .joined(separator: "!") + ".json.gz"
    }

    /// The report as a mail (RFC 8460 §5.3): `multipart/report; report-type="tlsrpt"` with a short `text/plain`
    /// part and the gzip report as an `application/tlsrpt+gzip` attachment in base64, the `TLS-Report-Domain` and
    /// `TLS-Report-Submitter` fields, and the subject `Report Domain: … Submitter: … Report-ID: <…>`.
    /// Lines end in CRLF and stay under 998 octets (RFC 5322 §2.1.1). Signing (DKIM, recommended by §3) is the caller's.
    ///
    /// - Parameters:
    ///   - from: the `From` address; `to`: the rua `mailto:` address (without `mailto:`).
    ///   - policyDomain: the domain the report is about; `submitter`: the reporting organization's domain.
    ///   - date: the `Date` field; `boundary`: the MIME boundary (1 to 70 characters that never occur in base64 text,
    ///     so any string with `=_` in it is safe).
    public func mail(from: String, to: String, policyDomain: String, submitter: String, date: Date,
                     messageID: String, boundary: String = "=_tlsrpt_boundary") throws(TLSRPTError) -> [UInt8] {
        let attachment = filename(submitter: submitter, policyDomain: policyDomain)
        let lines = [
            "From: \(from)",
            "To: \(to)",
            "Date: \(Self.rfc5322(date))",
            "Message-ID: <\(messageID)>",
            "Subject: Report Domain: \(policyDomain) Submitter: \(submitter) Report-ID: <\(reportID)>",
            "TLS-Report-Domain: \(policyDomain)",
            "TLS-Report-Submitter: \(submitter)",
            "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"\(boundary)\"",
            "",
            "This is a multipart/report message (RFC 8460).",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=us-ascii",
            "Content-Transfer-Encoding: 7bit",
            "",
            "This is an aggregate TLS report from \(submitter) about \(policyDomain).",
            "",
            "--\(boundary)",
            "Content-Type: application/tlsrpt+gzip;",
            "\tname=\"\(attachment)\"",
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment;",
            "\tfilename=\"\(attachment)\"",
            "",
        ] + TransferEncoding.base64Lines(try gzip()) + ["--\(boundary)--", ""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// `Sat, 05 Dec 2026 00:00:00 +0000` (RFC 5322 §3.3), in UTC.
    private static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}

extension TransferEncoding {
    /// Base64 in lines of 76 characters (RFC 2045 §6.8).
    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var lines: [String] = []
        for lineStart in stride(from: 0, to: bytes.count, by: 57) {
            var line: [UInt8] = []
            for start in stride(from: lineStart, to: min(lineStart + 57, bytes.count), by: 3) {
                let count = min(3, bytes.count - start)
                let value = (0..<3).reduce(UInt32(0)) { $0 << 8 | UInt32($1 < count ? bytes[start + $1] : 0) }
                for position in 0..<4 {
                    line.append(position <= count ? alphabet[Int(value >> UInt32(18 - 6 * position) & 63)] : UInt8(ascii: "="))
                }
            }
            lines.append(String(decoding: line, as: UTF8.self))
        }
        return lines
    }
}
