extension Report {
    /// The largest mail read.
    public static let maximumMailSize = 32 << 20
    /// The most body parts of the `multipart/report`.
    public static let maximumMailParts = 16

    /// Reads the mail form of a report (RFC 8460 §5.3): a `multipart/report; report-type=tlsrpt` message whose one
    /// `application/tlsrpt+json` or `application/tlsrpt+gzip` part holds the report, in any Content-Transfer-Encoding
    /// (base64, quoted-printable, 7bit, 8bit, binary).
    public static func parse(mail bytes: [UInt8]) throws(TLSRPTError) -> ParsedReport {
        guard bytes.count <= maximumMailSize else { throw .tooLarge("the mail", maximumMailSize) }
        let message = try MIMEEntity(bytes[...])
        let type = message.contentType
        guard type.mediaType == "multipart/report", type.parameters["report-type"]?.lowercased() == "tlsrpt" else {
            throw .notAReport(message.field("content-type") ?? "text/plain")
        }
        guard let boundary = type.parameters["boundary"], (1...70).contains(boundary.utf8.count) else {
            throw .malformedMail("multipart/report without a valid boundary parameter")
        }
        var found: (body: [UInt8], gzip: Bool)?
        for part in try parts(of: message.body, boundary: Array(boundary.utf8)) {
            let entity = try MIMEEntity(part)
            let mediaType = entity.contentType.mediaType
            guard mediaType == "application/tlsrpt+json" || mediaType == "application/tlsrpt+gzip" else { continue }
            guard found == nil else { throw .multipleReportParts }
            found = (try TransferEncoding.decode(entity.body, encoding: entity.field("content-transfer-encoding")),
                     mediaType == "application/tlsrpt+gzip")
        }
        guard let found else { throw .noReportPart }
        let parsed = found.gzip ? try parse(gzip: found.body) : try parse(json: found.body)
        return ParsedReport(report: parsed.report, deviations: parsed.deviations, form: found.gzip ? .mailGzip : .mailJSON)
    }

    /// The body parts between `--boundary` delimiter lines (RFC 2046 §5.1.1); the line break before a delimiter
    /// belongs to it. Text after the closing delimiter is ignored; a missing closing delimiter ends at the body's end.
    package static func parts(of body: ArraySlice<UInt8>, boundary: [UInt8]) throws(TLSRPTError) -> [ArraySlice<UInt8>] {
        let delimiter = Array("--".utf8) + boundary
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var index = body.startIndex
        while index < body.endIndex {
            let lineEnd = body[index...].firstIndex(of: 0x0A) ?? body.endIndex
            let line = body[index..<lineEnd]
            let next = lineEnd == body.endIndex ? lineEnd : lineEnd + 1
            if line.starts(with: delimiter) {
                let rest = line.dropFirst(delimiter.count)
                let isClosing = rest.starts(with: Array("--".utf8))
                let trailer = isClosing ? rest.dropFirst(2) : rest
                if trailer.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    if let start = partStart {
                        parts.append(body[start..<lineBreakStart(before: index, in: body, from: start)])
                        guard parts.count <= maximumMailParts else { throw .tooManyParts(maximumMailParts) }
                    }
                    if isClosing { return parts }
                    partStart = next
                }
            }
            index = next
        }
        if let start = partStart { parts.append(body[start...]) }
        guard !parts.isEmpty else { throw .malformedMail("no body part delimited by the boundary") }
        guard parts.count <= maximumMailParts else { throw .tooManyParts(maximumMailParts) }
        return parts
    }

    /// Where the CRLF (or LF) before the delimiter line at `index` starts, not before `start`.
    private static func lineBreakStart(before index: Int, in body: ArraySlice<UInt8>, from start: Int) -> Int {
        var end = index
        if end > start, body[end - 1] == 0x0A { end -= 1 }
        if end > start, body[end - 1] == 0x0D { end -= 1 }
        return end
    }

    /// Reads a report in whichever form it comes: gzip (by its magic number), JSON (a text starting with `{`), or a
    /// mail otherwise.
    public static func parse(_ bytes: [UInt8]) throws(TLSRPTError) -> ParsedReport {
        if bytes.starts(with: [0x1F, 0x8B]) { return try parse(gzip: bytes) }
        if bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{") {
            return try parse(json: bytes)
        }
        return try parse(mail: bytes)
    }
}
