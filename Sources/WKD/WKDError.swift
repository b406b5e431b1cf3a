/// Every error the `WKD` library throws, with a stable code and a reason for people.
public struct WKDError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case invalidAddress
        case notFound
        case fetchFailed
        case noUsableKey
    }

    private let code: Code
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
    public static func == (lhs: WKDError, rhs: WKDError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The text is not an email address WKD can look up.
    public static func invalidAddress(_ address: String, _ detail: String) -> WKDError {
        .init(.invalidAddress, "\"\(address)\" is not a usable address: \(detail)")
    }
    /// The domain answered, but publishes no key for the address.
    public static func notFound(_ url: String) -> WKDError { .init(.notFound, "no key published at \(url)") }
    /// The key could not be fetched (DNS, TLS, HTTP or size problems), with the reason.
    public static func fetchFailed(_ url: String, _ detail: String) -> WKDError { .init(.fetchFailed, "fetching \(url) failed: \(detail)") }
    /// Keys came back, but none carries a valid user ID for the address.
    public static func noUsableKey(_ address: String) -> WKDError { .init(.noUsableKey, "no key with a valid user ID for \(address)") }
    /// Keys came back, but none is usable for the address, with the detail (e.g. the body is not OpenPGP data).
    public static func noUsableKey(_ address: String, _ detail: String) -> WKDError {
        .init(.noUsableKey, "no key with a valid user ID for \(address): \(detail)")
    }
}
