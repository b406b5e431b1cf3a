public import OpenPGP

extension HKPSearch {
    /// Whether `certificate` is an answer to this search: its fingerprint; its primary key's or a subkey's key ID
    /// (RFC 9580 §5.5.4); or a user ID with the address (ASCII case ignored, as WKD compares). A client keeps only
    /// such answers, whatever else a server sends.
    public func matches(_ certificate: Certificate) -> Bool {
        switch self {
        case .fingerprint(let hex):
            certificate.fingerprint.description == hex
        case .keyID(let hex):
            ([certificate.primaryKey] + certificate.subkeys.map(\.key)).contains { $0.keyID.description == hex }
        case .email(let address):
            certificate.userIDs.contains { $0.userID.address?.wkdComparable == address }
        }
    }
}
