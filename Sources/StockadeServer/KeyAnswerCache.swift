import NIOCore
import Store
import Synchronization

/// A prepared answer to a key GET (WKD, VKS, HKP `op=get`): the body and the headers that go with it, computed once
/// per publication change and served as they are, so that a GET never reads the store nor parses a certificate.
/// A class: a hit hands out one reference, not four.
final class KeyAnswer: Sendable {
    let contentType: String
    /// WKD answers say `no-cache`; the key server's say nothing.
    let cacheControl: String?
    let body: ByteBuffer
    /// The response's status line and the headers fixed by the answer, in the router's order (Content-Type, CORS,
    /// Cache-Control, Content-Length), each ending in CRLF: ``HotRouteHandler`` writes it as it is, followed by
    /// the Date and Server lines of the second and the body.
    let encodedHead: ByteBuffer

    init(contentType: String, cacheControl: String?, body: ByteBuffer) {
        self.contentType = contentType
        self.cacheControl = cacheControl
        self.body = body
        var head = "HTTP/1.1 200 OK\r\nContent-Type: \(contentType)\r\nAccess-Control-Allow-Origin: *\r\n"
        if let cacheControl { head += "Cache-Control: \(cacheControl)\r\n" }
        head += "Content-Length: \(body.readableBytes)\r\n"
        encodedHead = ByteBuffer(string: head)
    }
}

/// Prepared key answers by request, least recently used first out, bounded by ``capacity`` answers and
/// ``maxBodyBytes`` body bytes, each answer reused at most ``lifetime`` (a store written by another process without
/// notifications, such as the CLI on the SQLite file, is seen within it).
///
/// Every answer carries tags naming what it was made from (``Tag``); a change drops exactly the answers tagged with
/// what it names. An answer is made from a read that may race a change: ``ticket()`` is taken before the read and
/// ``store(_:for:tags:until:ticket:)`` keeps nothing if any change arrived in between, so a stale answer is never kept.
final class KeyAnswerCache: Sendable {
    /// Most answers kept. An answer of a 3 126-byte armored key takes about 5.3 KB resident (measured:
    /// `KeyAnswerCacheTests.residentSizeOfAFullCache`; the body's buffer is rounded up to a power of two), so a full
    /// cache is about 265 MB, whatever the number of published keys.
    static let capacity = 50_000
    /// Most body bytes kept (a key is a few KB, so the count binds first for ordinary keys).
    static let maxBodyBytes = 256 << 20
    /// How long an answer is reused at most.
    static let lifetime: TimeAmount = .seconds(60)

    /// What an answer depends on.
    enum Tag {
        /// The WKD decision for one address (canonical domain, hash).
        static func address(_ domain: String, _ wkdHash: String) -> String { "a " + domain + " " + wkdHash }
        /// Every WKD decision under a domain.
        static func domain(_ domain: String) -> String { "d " + domain }
        /// A published key by primary fingerprint.
        static func key(_ fingerprint: String) -> String { "k " + fingerprint }
        /// A lookup by key ID or fingerprint, which a newly published key or subkey can join.
        static func lookup(_ id: String) -> String { "q " + id }
        /// A lookup by address.
        static func email(_ address: String) -> String { "e " + address }
    }

    /// The moment an answer's read started, for ``store(_:for:tags:until:ticket:)``.
    struct Ticket {
        fileprivate let generation: UInt64
    }

    /// A kept answer and its place in the recency list; a class, so that a hit moves it without copying it.
    private final class Node {
        let key: String
        let answer: KeyAnswer
        let tags: [String]
        let expires: NIODeadline
        var newer = -1
        var older = -1

        init(key: String, answer: KeyAnswer, tags: [String], expires: NIODeadline) {
            self.key = key
            self.answer = answer
            self.tags = tags
            self.expires = expires
        }
    }

    private struct State {
        var slots: [Int: Node] = [:]
        var index: [String: Int] = [:]
        var tagged: [String: Set<Int>] = [:]
        var nextSlot = 0
        var newest = -1
        var oldest = -1
        var bodyBytes = 0
        /// Counts changes; an answer read before the last change is not kept.
        var generation: UInt64 = 0
    }

    let capacity: Int
    let maxBodyBytes: Int
    private let state = Mutex(State())

    init(capacity: Int = KeyAnswerCache.capacity, maxBodyBytes: Int = KeyAnswerCache.maxBodyBytes) {
        self.capacity = max(1, capacity)
        self.maxBodyBytes = maxBodyBytes
    }

    /// The answer kept for `key`, if fresh at `now`; it becomes the most recently used.
    func answer(for key: String, now: NIODeadline = .now()) -> KeyAnswer? {
        state.withLock { state in
            guard let slot = state.index[key], let node = state.slots[slot] else { return nil }
            guard now < node.expires else {
                Self.remove(slot, from: &state)
                return nil
            }
            if state.newest != slot {
                Self.unlink(slot, in: &state)
                Self.linkNewest(slot, in: &state)
            }
            return node.answer
        }
    }

    func ticket() -> Ticket {
        Ticket(generation: state.withLock { $0.generation })
    }

    /// Keeps `answer` for `key` until `until` at most, unless a change arrived since `ticket` was taken; evicts the
    /// least recently used answers past the caps.
    func store(_ answer: KeyAnswer, for key: String, tags: [String], until: NIODeadline, ticket: Ticket,
               now: NIODeadline = .now()) {
        let expires = min(until, now + Self.lifetime)
        guard answer.body.readableBytes <= maxBodyBytes, now < expires else { return }
        state.withLock { state in
            guard state.generation == ticket.generation else { return }
            if let old = state.index[key] { Self.remove(old, from: &state) }
            let slot = state.nextSlot
            state.nextSlot += 1
            state.slots[slot] = Node(key: key, answer: answer, tags: tags, expires: expires)
            state.index[key] = slot
            for tag in tags { state.tagged[tag, default: []].insert(slot) }
            state.bodyBytes += answer.body.readableBytes
            Self.linkNewest(slot, in: &state)
            while state.index.count > capacity || state.bodyBytes > maxBodyBytes, state.oldest >= 0 {
                Self.remove(state.oldest, from: &state)
            }
        }
    }

    /// Drops the answers `change` affects.
    func apply(_ change: DirectoryChange) {
        switch change {
        case .address(let domain, let hash): drop(tag: Tag.address(domain, hash))
        case .domain(let domain): drop(tag: Tag.domain(domain))
        case .publishedKey(let fingerprint): drop(tag: Tag.key(fingerprint))
        case .publishedLookup(let id): drop(tag: Tag.lookup(id))
        case .publishedAddress(let address): drop(tag: Tag.email(address))
        case .everything: dropAll()
        }
    }

    /// How many answers are kept now, and their body bytes.
    var usage: (answers: Int, bodyBytes: Int) { state.withLock { ($0.index.count, $0.bodyBytes) } }

    private func drop(tag: String) {
        state.withLock { state in
            state.generation &+= 1
            for slot in state.tagged[tag] ?? [] { Self.remove(slot, from: &state) }
        }
    }

    private func dropAll() {
        state.withLock { state in
            let generation = state.generation &+ 1
            state = State()
            state.generation = generation
        }
    }

    private static func remove(_ slot: Int, from state: inout State) {
        guard let node = state.slots[slot] else { return }
        unlink(slot, in: &state)
        state.slots[slot] = nil
        state.index[node.key] = nil
        for tag in node.tags {
            state.tagged[tag]?.remove(slot)
            if state.tagged[tag]?.isEmpty == true { state.tagged[tag] = nil }
        }
        state.bodyBytes -= node.answer.body.readableBytes
    }

    private static func unlink(_ slot: Int, in state: inout State) {
        guard let node = state.slots[slot] else { return }
        if node.newer >= 0 { state.slots[node.newer]?.older = node.older } else { state.newest = node.older }
        if node.older >= 0 { state.slots[node.older]?.newer = node.newer } else { state.oldest = node.newer }
        node.newer = -1
        node.older = -1
    }

    private static func linkNewest(_ slot: Int, in state: inout State) {
        guard let node = state.slots[slot] else { return }
        node.older = state.newest
        node.newer = -1
        if state.newest >= 0 { state.slots[state.newest]?.newer = slot }
        state.newest = slot
        if state.oldest < 0 { state.oldest = slot }
    }
}
