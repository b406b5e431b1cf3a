import Synchronization

/// A thread-safe memo of derived values (a parsed record by its text) holding at most ``capacity`` entries.
///
/// Shared with `package` access by the libraries that parse the same DNS answers again and again (SPF records, DKIM
/// keys). A value must depend on its key alone, so a hit gives exactly what computing it again would. When full,
/// storing a new key first drops an arbitrary entry: the memo never grows past its capacity.
package final class BoundedMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// The most entries kept.
    package let capacity: Int
    private let entries: Mutex<[Key: Value]>

    package init(capacity: Int) {
        self.capacity = max(capacity, 0)
        self.entries = Mutex([:])
    }

    /// The number of entries held.
    package var count: Int { entries.withLock { $0.count } }

    /// The value for `key`: the memo's, or `make(key)` stored for next time.
    package func value<E: Error>(for key: Key, make: (Key) throws(E) -> Value) throws(E) -> Value {
        if let known = entries.withLock({ $0[key] }) { return known }
        let made = try make(key)
        guard capacity > 0 else { return made }
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil { entries.remove(at: entries.startIndex) }
            entries[key] = made
        }
        return made
    }
}

/// Octets as a dictionary key, hashed in one pass (an `[UInt8]` key feeds the hasher one octet at a time).
package struct OctetKey: Hashable, Sendable {
    package let octets: [UInt8]

    package init(_ octets: [UInt8]) {
        self.octets = octets
    }

    package func hash(into hasher: inout Hasher) {
        octets.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
