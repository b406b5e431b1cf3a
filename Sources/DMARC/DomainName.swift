/// Domain names as DMARC compares them: lower case (RFC 4343), without the final dot.
enum DomainName {
    /// The longest name in text form without the final dot (RFC 1035 §2.3.4: 255 octets on the wire).
    static let maximumLength = 253
    /// The longest label (RFC 1035 §2.3.4).
    static let maximumLabelLength = 63

    static func normalized(_ name: String) -> String {
        var name = name.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }

    /// Non-empty labels of at most 63 octets, at most 253 octets in all, printable ASCII without spaces.
    static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maximumLength, name.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0.utf8.count <= maximumLabelLength }
    }

    /// `name` is `ancestor` or a subdomain of it.
    static func isSame(_ name: String, orUnder ancestor: String) -> Bool {
        name == ancestor || name.hasSuffix("." + ancestor)
    }
}
