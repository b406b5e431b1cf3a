import Foundation

/// One PEM block (RFC 7468): its label and DER contents.
struct PEMBlock {
    let label: String
    let der: [UInt8]

    /// The first PEM block in `text`; nil when there is none or its base64 is broken.
    init?(_ text: String) {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN ") && $0.hasSuffix("-----") }) else { return nil }
        let label = String(lines[begin].dropFirst(11).dropLast(5))
        guard let end = lines[begin...].firstIndex(of: "-----END \(label)-----"),
              let der = Data(base64Encoded: lines[(begin + 1)..<end].joined()), !der.isEmpty else { return nil }
        self.label = label
        self.der = Array(der)
    }

    /// The block as text, 64 base64 characters a line.
    static func encode(label: String, der: [UInt8]) -> String {
        let base64 = Data(der).base64EncodedString()
        var lines = ["-----BEGIN \(label)-----"]
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(64)))
            rest = rest.dropFirst(64)
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }
}
