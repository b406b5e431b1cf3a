import Foundation
import Store
import Synchronization

/// Publication decisions by domain and WKD hash, kept for a short time so that serving a key is a dictionary lookup
/// instead of several queries, a parse and signature checks per request.
///
/// Every change made through the ``Directory`` that owns it clears it. Changes made by another server sharing a
/// PostgreSQL database arrive as ``DirectoryChange`` notifications and drop exactly the entries they affect
/// (``Directory/follow(_:)``); without notifications (SQLite written by another process) they are seen within
/// ``lifetime``. An entry never outlives the expiration of the key it publishes.
final class PublicationCache: Sendable {
    /// How long a decision is reused.
    static let lifetime: TimeInterval = 60
    /// The most decisions kept; past it the cache starts over.
    static let capacity = 100_000

    private struct Entry {
        let publication: Publication
        let expires: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// Called with every change that drops decisions, so that answers prepared from them are dropped too.
    private let observers = Mutex<[@Sendable (DirectoryChange) -> Void]>([])

    static func key(domain: String, wkdHash: String) -> String { domain + "/" + wkdHash }

    /// The decision kept for `key` and when it stops being reused, if it is still fresh at `time`.
    func publication(for key: String, at time: Date) -> (publication: Publication, expires: Date)? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard time < entry.expires else {
                entries[key] = nil
                return nil
            }
            return (entry.publication, entry.expires)
        }
    }

    /// Keeps a decision; returns when it stops being reused.
    @discardableResult
    func store(_ publication: Publication, for key: String, at time: Date, validUntil: Date?) -> Date {
        let expires = min(time.addingTimeInterval(Self.lifetime), validUntil ?? .distantFuture)
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(publication: publication, expires: expires)
        }
        return expires
    }

    func removeAll() {
        entries.withLock { $0.removeAll() }
        announce(.everything)
    }

    /// Drops the decision for one address.
    func remove(domain: String, wkdHash: String) {
        _ = entries.withLock { $0.removeValue(forKey: Self.key(domain: domain, wkdHash: wkdHash)) }
        announce(.address(domain: domain, wkdHash: wkdHash))
    }

    /// Drops every decision under `domain`.
    func removeAll(domain: String) {
        let prefix = domain + "/"
        entries.withLock { entries in entries = entries.filter { !$0.key.hasPrefix(prefix) } }
        announce(.domain(domain))
    }

    /// Adds a handler called, after the drop, with every change that drops decisions.
    func observe(_ handler: @escaping @Sendable (DirectoryChange) -> Void) {
        observers.withLock { $0.append(handler) }
    }

    /// Tells the observers of `change`.
    func announce(_ change: DirectoryChange) {
        for handler in observers.withLock({ $0 }) { handler(change) }
    }

    /// How many decisions are kept now.
    var count: Int { entries.withLock { $0.count } }
}
