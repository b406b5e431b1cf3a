/// Every refusal of the directory, with a stable code and a reason that says why.
public struct DirectoryError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        case invalidAddress
        case invalidDomain
        case unsafeAddress
        case domainNotServed
        case domainExists
        case accountExists
        case accountNotFound
        case accountClosed
        case addressTaken
        case addressNotFound
        case addressRemoved
        case permanentAlias
        case primaryAddress
        case invalidKey
        case keyNotFound
        case keyOwnedElsewhere
        case noValidUserID
        case storage
    }

    public let code: Code
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
    public static func == (lhs: DirectoryError, rhs: DirectoryError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public static func invalidAddress(_ text: String, _ why: String? = nil) -> DirectoryError {
        .init(.invalidAddress, "\"\(text)\" is not an email address" + (why.map { ": \($0)" } ?? ""))
    }
    public static func invalidDomain(_ text: String, _ why: String) -> DirectoryError {
        .init(.invalidDomain, "\"\(text)\" is not a domain name: \(why)")
    }
    /// The address is well-formed but could impersonate another (invisible characters, mixed scripts, compatibility
    /// forms, a quoted local part, a sub-address without its base): refused where addresses are assigned.
    public static func unsafeAddress(_ address: String, _ why: String) -> DirectoryError {
        .init(.unsafeAddress, "\(address) cannot be assigned: \(why)")
    }
    public static func domainNotServed(_ domain: String) -> DirectoryError { .init(.domainNotServed, "\(domain) is not a domain this server serves") }
    public static func domainExists(_ domain: String) -> DirectoryError { .init(.domainExists, "\(domain) is already served") }
    public static func accountExists(_ id: String) -> DirectoryError { .init(.accountExists, "account \(id) already exists") }
    public static func accountNotFound(_ id: String) -> DirectoryError { .init(.accountNotFound, "no account \(id)") }
    public static func accountClosed(_ id: String) -> DirectoryError { .init(.accountClosed, "account \(id) is closed") }
    /// The address was assigned to another account once: it can never be handed to someone else.
    public static func addressTaken(_ address: String, owner: String) -> DirectoryError {
        .init(.addressTaken, "\(address) belongs, or once belonged, to account \(owner); addresses are never reassigned")
    }
    public static func addressNotFound(_ address: String) -> DirectoryError { .init(.addressNotFound, "no address \(address)") }
    public static func addressRemoved(_ address: String) -> DirectoryError { .init(.addressRemoved, "\(address) was removed") }
    /// An alias on a provider domain cannot be deleted: whoever got it next could impersonate the owner.
    public static func permanentAlias(_ address: String) -> DirectoryError {
        .init(.permanentAlias, "\(address) is an alias on a provider domain; such aliases are permanent")
    }
    public static func primaryAddress(_ address: String) -> DirectoryError {
        .init(.primaryAddress, "\(address) is the account's primary address; close the account instead")
    }
    public static func invalidKey(_ detail: String) -> DirectoryError { .init(.invalidKey, "not a usable OpenPGP certificate: \(detail)") }
    public static func keyNotFound(_ fingerprint: String) -> DirectoryError { .init(.keyNotFound, "no key \(fingerprint)") }
    public static func keyOwnedElsewhere(_ fingerprint: String) -> DirectoryError {
        .init(.keyOwnedElsewhere, "key \(fingerprint) belongs to another account")
    }
    /// The key has no valid (self-signed, unrevoked, unexpired) user ID for the address.
    public static func noValidUserID(_ address: String, _ fingerprint: String, _ detail: String) -> DirectoryError {
        .init(.noValidUserID, "key \(fingerprint) has no valid user ID for \(address): \(detail)")
    }
    public static func storage(_ detail: String) -> DirectoryError { .init(.storage, "storage failed: \(detail)") }
}
