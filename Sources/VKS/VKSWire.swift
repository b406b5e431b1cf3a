/// The JSON shapes of the keys.openpgp.org VKS API v1 (https://keys.openpgp.org/about/api), shared by
/// Stockade's server and its client so both speak exactly the same names.

/// What the key server says about one address of an uploaded key.
public enum VKSAddressState: String, Codable, Sendable, Hashable, CaseIterable {
    /// Not published and no verification mail outstanding.
    case unpublished
    /// A verification mail was sent and not yet confirmed.
    case pending
    /// Confirmed by its owner: served by email and included in the key.
    case published
    /// The user ID is revoked in the key: never published.
    case revoked
}

/// The body of `POST /vks/v1/upload`.
public struct VKSUploadRequest: Codable, Sendable, Hashable {
    /// The key, ASCII-armored (binary keys are accepted armored only, as by keys.openpgp.org).
    public var keytext: String

    public init(keytext: String) { self.keytext = keytext }
}

/// The body of `POST /vks/v1/request-verify`.
public struct VKSVerifyRequest: Codable, Sendable, Hashable {
    /// The token from the upload response.
    public var token: String
    /// Addresses of the key to send verification mails to.
    public var addresses: [String]

    public init(token: String, addresses: [String]) {
        self.token = token
        self.addresses = addresses
    }
}

/// The response of `upload` and `request-verify`.
public struct VKSUploadResponse: Codable, Sendable, Hashable {
    /// The uploaded key's fingerprint, upper-case hex.
    public var keyFingerprint: String
    /// Each address of the key and its state.
    public var status: [String: VKSAddressState]
    /// Authorizes `request-verify` for this key for a limited time.
    public var token: String

    public init(keyFingerprint: String, status: [String: VKSAddressState], token: String) {
        self.keyFingerprint = keyFingerprint
        self.status = status
        self.token = token
    }

    enum CodingKeys: String, CodingKey {
        case keyFingerprint = "key_fpr"
        case status
        case token
    }
}

/// An error body: `{"error": "..."}`.
public struct VKSErrorResponse: Codable, Sendable, Hashable {
    public var error: String

    public init(error: String) { self.error = error }
}
