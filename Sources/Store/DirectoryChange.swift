/// A change to what the directory publishes, announced by a shared store (PostgreSQL `NOTIFY`) so that every server
/// instance drops exactly the cached decisions it affects.
public enum DirectoryChange: Sendable, Hashable {
    /// The decision for one address may have changed (its row, its account, or its key was written); the domain in
    /// the directory's canonical form.
    case address(domain: String, wkdHash: String)
    /// A domain was added, changed or removed: every decision under it.
    case domain(String)
    /// Changes may have been missed (the listening connection was new or lost): everything.
    case everything

    /// Reads a notification payload: `a DOMAIN HASH` or `d DOMAIN` (domain names and WKD hashes hold no spaces).
    init?(payload: String) {
        let parts = payload.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("a", 3): self = .address(domain: parts[1], wkdHash: parts[2])
        case ("d", 2): self = .domain(parts[1])
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
