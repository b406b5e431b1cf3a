import struct Foundation.Date
import Metrics
import NIOCore
import Synchronization

/// Replies already computed, as netstring bytes, by lookup key: the socketmap's fast path answers a repeated lookup
/// from here on the event loop, without a task, a DNS lookup or a string built.
///
/// An entry holds exactly as long as the slow path would give the same reply: until the MTA-STS resolver's reuse
/// time (its grace, the policy's max_age, a fetch backoff), until the first DNS answer the reply used leaves the
/// resolver's cache (the `_mta-sts` TXT record, the MX RRset, the MX hosts' address and TLSA records), and while the
/// resolver's policies in memory are unchanged (a refresh replacing a policy empties it in effect).
final class ReplyCache: Sendable {
    /// The most replies held; storing one more first drops an arbitrary one (an expired reply is replaced when its key
    /// is asked for again), so a store never scans the cache under its lock.
    static let maximumEntries = 10_000
    /// The longest lookup key cached (a domain name is at most 253 octets, plus a final dot and spaces).
    static let maximumKeyLength = 260

    struct Entry: Sendable {
        /// The whole reply netstring.
        let reply: ByteBuffer
        /// `stockade_socketmap_lookups_total` with this reply's labels, as the slow path counts a cached answer.
        let counter: Counter
        /// The MTA-STS resolver's reuse time (its clock).
        let reusableUntil: Date
        /// When the first DNS answer used leaves the cache (the DNS resolver's clock); nil: no DNS answer was used.
        let dnsValidUntil: ContinuousClock.Instant?
        /// The resolver's ``MTASTSResolver/policyChangeCount`` read before the reply was computed.
        let policyGeneration: UInt64

        func isValid(at time: Date, _ instant: ContinuousClock.Instant, policyGeneration current: UInt64) -> Bool {
            time < reusableUntil && dnsValidUntil.map { instant < $0 } ?? true && policyGeneration == current
        }
    }

    private let entries = Mutex<[ByteBuffer: Entry]>([:])

    /// The entry for the lookup key (the request's bytes after its first space), valid or not.
    func entry(for key: ByteBuffer) -> Entry? {
        entries.withLock { $0[key] }
    }

    func store(_ entry: Entry, for key: ByteBuffer) {
        guard key.readableBytes <= Self.maximumKeyLength else { return }
        let ownKey = ByteBuffer(bytes: key.readableBytesView)  // not a slice holding a connection's read buffer
        entries.withLock { entries in
            if entries.count >= Self.maximumEntries, entries[ownKey] == nil { entries.remove(at: entries.startIndex) }
            entries[ownKey] = entry
        }
    }
}
