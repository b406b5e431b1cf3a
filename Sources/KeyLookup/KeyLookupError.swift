/// Every error the `KeyLookup` library throws, with a stable code and a reason for people.
public struct KeyLookupError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case notFound
    }

    private let code: Code
    public let reason: String
    /// Why WKD had no key (for ``notFound(_:wkd:vks:)``).
    public let wkdReason: String?
    /// Why the key server had no key (for ``notFound(_:wkd:vks:)``).
    public let vksReason: String?

    private init(_ code: Code, _ reason: String, wkdReason: String? = nil, vksReason: String? = nil) {
        self.code = code
        self.reason = reason
        self.wkdReason = wkdReason
        self.vksReason = vksReason
    }

    public var description: String { reason }
    public static func == (lhs: KeyLookupError, rhs: KeyLookupError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Neither WKD nor the key server has a key for the address; each one's reason.
    public static func notFound(_ address: String, wkd: String, vks: String) -> KeyLookupError {
        .init(.notFound, "no key found for \(address): WKD: \(wkd); key server: \(vks)", wkdReason: wkd, vksReason: vks)
    }
}
