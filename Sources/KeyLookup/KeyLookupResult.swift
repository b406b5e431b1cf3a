public import OpenPGP

/// What ``KeyLookup/lookup(_:at:)`` found for an address, and where.
public struct KeyLookupResult: Sendable, Hashable {
    /// Where the key was found.
    public enum Source: String, Sendable, Hashable, Codable {
        /// The address's own domain, by Web Key Directory (draft-koch-openpgp-webkey-service-22).
        case wkd
        /// The key server, by verified address (keys.openpgp.org VKS API v1).
        case vks
    }

    /// The key's state at the time asked about, after the refresh (RFC 9580 §5.2.3.13, §5.2.3.31).
    public enum Status: String, Sendable, Hashable, Codable {
        case valid
        case revoked
        case expired
        /// No valid self-signature binds the primary key (or it did not exist yet).
        case invalid
    }

    /// What the refresh by fingerprint from the key server did.
    public enum Refresh: Sendable, Hashable {
        /// The key server's copy added something (a revocation, new self-signatures, subkeys or user IDs).
        case changed
        /// The key server's copy added nothing.
        case unchanged
        /// The key server does not have the key.
        case notOnKeyServer
        /// The key server could not be asked; the key is as found.
        case failed(reason: String)
    }

    /// The address looked up.
    public var address: String
    /// The key as found, merged with the key server's copy.
    public var certificate: Certificate
    public var source: Source
    public var status: Status
    public var refresh: Refresh
    /// Why WKD had no key, when it had none.
    public var wkdReason: String?
    /// Why the key server had no key for the address, when it was asked and had none.
    public var vksReason: String?

    public init(address: String, certificate: Certificate, source: Source, status: Status, refresh: Refresh,
                wkdReason: String?, vksReason: String?) {
        self.address = address
        self.certificate = certificate
        self.source = source
        self.status = status
        self.refresh = refresh
        self.wkdReason = wkdReason
        self.vksReason = vksReason
    }

    /// The primary key's fingerprint, upper-case hex.
    public var fingerprint: String { certificate.fingerprint.description }
    /// Whether the key server's copy changed the key.
    public var refreshChanged: Bool { refresh == .changed }
}
