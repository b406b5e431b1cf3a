/// A change to what the directory or the key server publishes, announced by a shared store (PostgreSQL `NOTIFY`) so
/// that every server instance drops exactly the cached decisions and prepared answers it affects.
public enum DirectoryChange: Sendable, Hashable {
    /// The decision for one address may have changed (its row, its account, or its key was written); the domain in
    /// the directory's canonical form.
    case address(domain: String, wkdHash: String)
    /// A domain was added, changed or removed: every decision under it.
    case domain(String)
    /// The key server's published key with this primary fingerprint (upper-case hex) was written or deleted.
    case publishedKey(fingerprint: String)
    /// A published key now answers lookups for this upper-case hex key ID or fingerprint (a key or subkey was added).
    case publishedLookup(id: String)
    /// The key server bound or unbound this address (lower-cased, as lookups by email normalize it).
    case publishedAddress(String)
    /// Changes may have been missed (the listening connection was new or lost): everything.
    case everything

    /// Reads a notification payload: `a DOMAIN HASH`, `d DOMAIN`, `k FINGERPRINT`, `q LOOKUP-ID` or `e ADDRESS` (domain
    /// names, hashes and hex identifiers hold no spaces; an address is everything after `e `).
    init?(payload: String) {
        if payload.hasPrefix("e "), payload.utf8.count > 2 {
            self = .publishedAddress(String(payload.dropFirst(2)))
            return
        }
        let parts = payload.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("a", 3): self = .address(domain: parts[1], wkdHash: parts[2])
        case ("d", 2): self = .domain(parts[1])
        case ("k", 2): self = .publishedKey(fingerprint: parts[1])
        case ("q", 2): self = .publishedLookup(id: parts[1])
        default: return nil
        }
    }
}

/// A store that announces directory changes made by any instance sharing it.
public protocol DirectoryChangeFeed: Sendable {
    /// Changes as they commit, starting with ``DirectoryChange/everything`` once listening (and again after every
    /// reconnection); ends when the consumer stops iterating.
    func directoryChanges() -> AsyncStream<DirectoryChange>
}
