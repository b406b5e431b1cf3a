extension AggregateReport {
    /// The report as RFC 9990 XML (Appendix A): UTF-8 with an XML declaration, root `feedback` in
    /// ``AggregateReport/namespace``, elements in the order of §3.1.1's tables, two spaces of indentation, LF line
    /// ends and a final LF. Optional elements that are `nil` are left out; `pct` (RFC 7489 only) is never written;
    /// several `errors` are joined by `"; "` into the one `error` the schema allows (cut to
    /// ``AggregateReport/maximumValueLength`` octets); DKIM signatures beyond
    /// ``AggregateReport/maximumSignaturesPerRow`` are dropped (§3.1.3). Text is escaped (`&`, `<`, `>`), and
    /// characters XML does not allow become U+FFFD.
    public func xml() -> [UInt8] {
        var out = XMLOutput()
        out.line(0, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        out.line(0, "<feedback xmlns=\"\(Self.namespace)\">")
        if let version { out.leaf(1, "version", version) }
        out.open(1, "report_metadata")
        out.leaf(2, "org_name", metadata.orgName)
        out.leaf(2, "email", metadata.email)
        out.leaf(2, "extra_contact_info", metadata.extraContactInfo)
        out.leaf(2, "report_id", metadata.reportID)
        out.open(2, "date_range")
        out.leaf(3, "begin", String(metadata.begin))
        out.leaf(3, "end", String(metadata.end))
        out.close(2, "date_range")
        out.leaf(2, "error", metadata.errors.isEmpty ? nil : Self.prefix(metadata.errors.joined(separator: "; "), octets: Self.maximumValueLength))
        out.leaf(2, "generator", metadata.generator)
        out.close(1, "report_metadata")
        out.open(1, "policy_published")
        out.leaf(2, "domain", policy.domain)
        out.leaf(2, "discovery_method", policy.discoveryMethod?.rawValue)
        out.leaf(2, "p", policy.p.rawValue)
        out.leaf(2, "sp", policy.sp?.rawValue)
        out.leaf(2, "np", policy.np?.rawValue)
        out.leaf(2, "fo", policy.fo)
        out.leaf(2, "adkim", policy.adkim?.rawValue)
        out.leaf(2, "aspf", policy.aspf?.rawValue)
        out.leaf(2, "testing", policy.testing.map { $0 ? "y" : "n" })
        out.close(1, "policy_published")
        for record in records { write(record, to: &out) }
        out.line(0, "</feedback>")
        return out.bytes
    }

    /// The longest prefix of whole characters within `octets` UTF-8 octets.
    static func prefix(_ text: String, octets: Int) -> String {
        guard text.utf8.count > octets else { return text }
        var count = 0
        return String(text.prefix { character in
            count += character.utf8.count
            return count <= octets
        })
    }

    private func write(_ record: Record, to out: inout XMLOutput) {
        out.open(1, "record")
        out.open(2, "row")
        out.leaf(3, "source_ip", record.sourceIP)
        out.leaf(3, "count", String(record.count))
        out.open(3, "policy_evaluated")
        out.leaf(4, "disposition", record.evaluated.disposition.rawValue)
        out.leaf(4, "dkim", record.evaluated.dkimAligned ? "pass" : "fail")
        out.leaf(4, "spf", record.evaluated.spfAligned ? "pass" : "fail")
        for reason in record.evaluated.reasons {
            out.open(4, "reason")
            out.leaf(5, "type", reason.kind.rawValue)
            out.leaf(5, "comment", reason.comment)
            out.close(4, "reason")
        }
        out.close(3, "policy_evaluated")
        out.close(2, "row")
        out.open(2, "identifiers")
        out.leaf(3, "header_from", record.identifiers.headerFrom)
        out.leaf(3, "envelope_from", record.identifiers.envelopeFrom)
        out.leaf(3, "envelope_to", record.identifiers.envelopeTo)
        out.close(2, "identifiers")
        out.open(2, "auth_results")
        for signature in record.dkim.prefix(Self.maximumSignaturesPerRow) {
            out.open(3, "dkim")
            out.leaf(4, "domain", signature.domain)
            out.leaf(4, "selector", signature.selector ?? "")
            out.leaf(4, "result", signature.result.rawValue)
            out.leaf(4, "human_result", signature.humanResult)
            out.close(3, "dkim")
        }
        if let spf = record.spf {
            out.open(3, "spf")
            out.leaf(4, "domain", spf.domain)
            out.leaf(4, "scope", spf.scope?.rawValue)
            out.leaf(4, "result", spf.result.rawValue)
            out.leaf(4, "human_result", spf.humanResult)
            out.close(3, "spf")
        }
        out.close(2, "auth_results")
        out.close(1, "record")
    }
}

/// Indented XML lines.
private struct XMLOutput {
    var bytes: [UInt8] = []

    mutating func line(_ depth: Int, _ text: String) {
        bytes += repeatElement(UInt8(ascii: " "), count: 2 * depth)
        bytes += text.utf8
        bytes.append(0x0A)
    }

    mutating func open(_ depth: Int, _ name: String) { line(depth, "<\(name)>") }
    mutating func close(_ depth: Int, _ name: String) { line(depth, "</\(name)>") }

    /// `<name>text</name>`; nothing for `nil`.
    mutating func leaf(_ depth: Int, _ name: String, _ text: String?) {
        guard let text else { return }
        line(depth, "<\(name)>\(Self.escaped(text))</\(name)>")
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case "\r": out += "&#13;"
            default:
                switch scalar.value {
                case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: out.unicodeScalars.append(scalar)
                default: out.unicodeScalars.append("\u{FFFD}")
                }
            }
        }
        return out
    }
}
