import Foundation

/// A DKIM key record published at `selector._domainkey.domain` (RFC 6376 §3.6.1, RFC 8463 §4).
public struct KeyRecord: Sendable, Hashable {
    /// `k=`: `rsa` (the default) or `ed25519`; other values are kept and refused when a signature uses the key.
    public let keyType: String
    /// `p=`, decoded; empty means the key was revoked (§3.6.1).
    public let publicKeyData: [UInt8]
    /// `h=`: the hashes allowed; nil when absent (all allowed).
    public let hashes: [String]?
    /// `s=`: the service types; `*` (the default) or `email` allow DKIM.
    public let serviceTypes: [String]
    /// `t=y`: the domain is testing DKIM (§3.6.1).
    public let isTesting: Bool
    /// `t=s`: the AUID's domain must be `d=` itself, not a subdomain (§3.6.1).
    public let requiresExactIdentityDomain: Bool

    /// Whether `p=` was empty: the key is revoked.
    public var isRevoked: Bool { publicKeyData.isEmpty }

    /// Reads a key record from the text of one TXT record (its strings joined, RFC 6376 §3.6.2.2).
    /// - Throws: ``KeyRecordError`` for a record to be discarded; the verifier reports `permerror` with its reason.
    public init(parsing text: some Collection<UInt8>) throws(KeyRecordError) {
        guard text.count <= DKIMLimits.maximumKeyRecordSize else {
            throw KeyRecordError("key record longer than \(DKIMLimits.maximumKeyRecordSize) octets")
        }
        let tags: TagList
        do { tags = try TagList(parsing: text) } catch { throw KeyRecordError("key record tag list: \(error.reason) (RFC 6376 §3.2)") }
        if let version = tags.tag("v") {
            guard tags.tags.first?.name == "v" else { throw KeyRecordError("v= is not the first tag of the key record (RFC 6376 §3.6.1)") }
            guard version.value == "DKIM1" else { throw KeyRecordError("key record v=\(version.value) is not DKIM1 (RFC 6376 §3.6.1)") }
        }
        guard let p = tags["p"] else { throw KeyRecordError("key record has no p= (RFC 6376 §3.6.1)") }
        let compact = withoutWhiteSpace(p)
        if compact.isEmpty {
            publicKeyData = []
        } else {
            guard let data = Data(base64Encoded: compact), !data.isEmpty else { throw KeyRecordError("key record p= is not base64 (RFC 6376 §3.6.1)") }
            publicKeyData = Array(data)
        }
        let keyType = tags["k"].map(withoutWhiteSpace) ?? "rsa"
        // key-k-tag-type and key-s-tag-type are non-empty words (§3.6.1): `k=` or `s=` with nothing in it is malformed
        guard !keyType.isEmpty else { throw KeyRecordError("key record k= is empty (RFC 6376 §3.6.1)") }
        self.keyType = keyType.asciiLowercased
        hashes = tags.valueOctets("h").map { lowercasedItems($0, omittingEmpty: true) }
        let serviceTypes = tags.valueOctets("s").map { lowercasedItems($0, omittingEmpty: true) } ?? ["*"]
        guard !serviceTypes.isEmpty else { throw KeyRecordError("key record s= names no service type (RFC 6376 §3.6.1)") }
        self.serviceTypes = serviceTypes
        let flags = tags.valueOctets("t").map { lowercasedItems($0, omittingEmpty: true) } ?? []
        isTesting = flags.contains("y")
        requiresExactIdentityDomain = flags.contains("s")
    }
}

/// Why a key record cannot be used (RFC 6376 §3.6.1, §6.1.2).
public struct KeyRecordError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { reason }

    /// An empty `p=`: the key was revoked (§3.6.1).
    static let revoked = KeyRecordError("key revoked: empty p= (RFC 6376 §3.6.1)")
}
