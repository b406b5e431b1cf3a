/// A bounded cache of answers, expiring by TTL on an injected clock (RFC 1035 §7.4, RFC 2308 §5).
struct AnswerCache<C: Clock>: Sendable where C.Duration == Duration {
    struct Key: Hashable, Sendable {
        let name: DNSName
        let type: RecordType
    }

    private struct Entry: Sendable {
        let answer: Answer
        let stored: C.Instant
        let expires: C.Instant
        /// The answer as last handed out, its TTLs reduced by ``servedElapsed`` seconds: TTLs change once a second,
        /// so hits within the same second share one copy instead of rewriting every record.
        var served: Answer
        var servedElapsed: UInt32
    }

    private var entries: [Key: Entry] = [:]
    let capacity: Int
    let maximumTTL: UInt32

    init(capacity: Int, maximumTTL: UInt32) {
        self.capacity = max(capacity, 0)
        self.maximumTTL = maximumTTL
    }

    var count: Int { entries.count }

    /// The cached answer with TTLs reduced by the time spent in the cache, and when it leaves the cache; nil when
    /// absent or expired.
    mutating func lookup(_ key: Key, now: C.Instant) -> (answer: Answer, expires: C.Instant)? {
        guard let entry = entries[key] else { return nil }
        guard now < entry.expires else {
            entries[key] = nil
            return nil
        }
        let elapsed = UInt32(clamping: entry.stored.duration(to: now).components.seconds)
        if elapsed == entry.servedElapsed { return (entry.served, entry.expires) }
        let answer = Self.served(entry.answer, elapsed: elapsed)
        entries[key]?.served = answer
        entries[key]?.servedElapsed = elapsed
        return (answer, entry.expires)
    }

    /// `answer` as the cache hands it out `elapsed` seconds after storing it (RFC 1035 §7.4).
    private static func served(_ answer: Answer, elapsed: UInt32) -> Answer {
        var answer = answer
        if elapsed > 0 {
            answer.records = answer.records.map { record in
                var record = record
                record.ttl = record.ttl > elapsed ? record.ttl - elapsed : 0
                return record
            }
        }
        answer.transport = .cache
        return answer
    }

    /// Stores an answer for the lowest TTL among its records, or the negative TTL of its SOA (RFC 2308 §5), and
    /// returns when it expires; server failures and zero TTLs are not stored (nil).
    @discardableResult
    mutating func store(_ answer: Answer, for key: Key, now: C.Instant) -> C.Instant? {
        guard capacity > 0, let ttl = Self.ttl(of: answer), ttl > 0 else { return nil }
        if entries.count >= capacity && entries[key] == nil { evict(now: now) }
        let expires = now.advanced(by: .seconds(Int64(min(ttl, maximumTTL))))
        entries[key] = Entry(answer: answer, stored: now, expires: expires, served: Self.served(answer, elapsed: 0), servedElapsed: 0)
        return expires
    }

    /// Removes expired entries, then the tenth that expires soonest if still full.
    private mutating func evict(now: C.Instant) {
        entries = entries.filter { now < $0.value.expires }
        guard entries.count >= capacity else { return }
        let victims = entries.sorted { $0.value.expires < $1.value.expires }.prefix(max(capacity / 10, 1))
        for (key, _) in victims { entries[key] = nil }
    }

    static func ttl(of answer: Answer) -> UInt32? {
        switch answer.responseCode {
        case .noError where !answer.rrset.isEmpty:
            return answer.records.map(\.ttl).min()
        case .noError, .nameError:
            // RFC 2308 §5: the negative TTL is the minimum of the SOA record's TTL and its MINIMUM field.
            for record in answer.authority {
                if case .soa(let soa) = record.data { return min(record.ttl, soa.minimum) }
            }
            return nil
        default:
            return nil
        }
    }
}
