import WKD

/// An address as the directory keys it: unique without regard to ASCII case, shown as its owner wrote it.
struct NormalizedAddress: Sendable, Hashable {
    /// The unique key: ASCII letters lower-cased.
    let key: String
    /// The local part as written, the domain lower-cased.
    let display: String
    let domain: String
    let localPart: String
    let wkdHash: String

    init(_ text: String) throws(DirectoryError) {
        let trimmed = text.trimmingCharacters()
        guard !trimmed.contains(where: { $0 == " " || $0 == "<" || $0 == ">" }), trimmed.filter({ $0 == "@" }).count == 1,
              let address = try? WKDAddress(trimmed)
        else { throw .invalidAddress(text) }
        localPart = address.localPart
        domain = address.domain
        display = address.description
        key = address.normalizedLocalPart + "@" + address.domain
        wkdHash = address.hash
    }
}

extension String {
    func trimmingCharacters() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view = view.dropFirst() }
        while let last = view.last, last.isWhitespace { view = view.dropLast() }
        return String(view)
    }
}
