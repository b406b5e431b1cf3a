import Foundation
import NIOCore
import Store
import Testing

@testable import StockadeServer

/// The prepared key answers of issue 20: least-recently-used caps, exact drops by tag, no stale fill, expiry, the
/// request keys both paths compute, and the Date header of the event-loop path.
@Suite struct KeyAnswerCacheTests {
    static func answer(_ text: String) -> KeyAnswer {
        KeyAnswer(contentType: "application/pgp-keys", cacheControl: nil, body: ByteBuffer(string: text))
    }

    static func keep(_ cache: KeyAnswerCache, _ key: String, tags: [String] = [], body: String? = nil, now: NIODeadline = .now()) {
        cache.store(answer(body ?? key), for: key, tags: tags, until: now + .seconds(3600), ticket: cache.ticket(), now: now)
    }

    static func kept(_ cache: KeyAnswerCache, _ key: String) -> String? {
        cache.answer(for: key).map { String(buffer: $0.body) }
    }

    @Test func theLeastRecentlyUsedAnswerGoesAtTheCap() {
        let cache = KeyAnswerCache(capacity: 3)
        for key in ["a", "b", "c"] { Self.keep(cache, key) }
        #expect(Self.kept(cache, "a") == "a")  // a is now the most recently used; b the least
        Self.keep(cache, "d")
        #expect(cache.usage.answers == 3)
        #expect(Self.kept(cache, "b") == nil)
        #expect(Self.kept(cache, "a") == "a")
        #expect(Self.kept(cache, "c") == "c")
        #expect(Self.kept(cache, "d") == "d")
        for index in 0..<1_000 { Self.keep(cache, "k\(index)") }
        #expect(cache.usage.answers == 3)
        #expect(cache.usage.bodyBytes == 3 * 4)  // k997, k998, k999
        #expect(["k997", "k998", "k999"].allSatisfy { Self.kept(cache, $0) != nil })
    }

    /// The resident size 100 000 kept answers of 3 126 bytes (an armored rsa4096 key) add, read from /proc: the body
    /// bytes plus a bounded overhead per answer (docs/benchmarks.md states the figure for 1 M published keys; the
    /// default cap, ``KeyAnswerCache/capacity``, keeps half as many).
    @Test func residentSizeOfAFullCache() throws {
        func resident() throws -> Int {
            let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
            let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
            return try #require(Int(line.split(separator: " ")[1])) * 1024
        }
        let cache = KeyAnswerCache(capacity: 100_000, maxBodyBytes: 1 << 30)
        let before = try resident()
        let now = NIODeadline.now()
        for index in 0..<100_000 {
            let fingerprint = String(repeating: "0", count: 40 - String(index, radix: 16).count) + String(index, radix: 16).uppercased()
            let body = ByteBuffer(repeating: UInt8(index & 0x7F), count: 3_126)
            cache.store(KeyAnswer(contentType: "application/pgp-keys", cacheControl: nil, body: body), for: "v /vks/v1/by-fingerprint/" + fingerprint,
                        tags: [KeyAnswerCache.Tag.key(fingerprint), KeyAnswerCache.Tag.lookup(fingerprint)], until: now + .seconds(60),
                        ticket: cache.ticket(), now: now)
        }
        let grown = try resident() - before
        #expect(cache.usage == (100_000, 312_600_000))
        let overhead = (grown - cache.usage.bodyBytes) / cache.usage.answers
        // measured 2 130 (debug build): 970 of them the body buffer's rounding up to 4 096, the rest the key, tags and indexes
        #expect(overhead < 2_500, "\(overhead) bytes per answer besides its body")
        #expect(grown < 100_000 * (3_126 + 2_500), "resident size grew by \(grown) bytes")
        print("KeyAnswerCache: 100 000 answers of 3 126 bytes: resident +\(grown / 1_048_576) MiB, \(overhead) bytes per answer besides the body")
    }

    @Test func bodyBytesAreCappedToo() {
        let cache = KeyAnswerCache(capacity: 100, maxBodyBytes: 10)
        Self.keep(cache, "a", body: "12345")
        Self.keep(cache, "b", body: "12345")
        Self.keep(cache, "c", body: "1")
        #expect(cache.usage.answers == 2)
        #expect(cache.usage.bodyBytes == 6)
        #expect(Self.kept(cache, "a") == nil)
        Self.keep(cache, "huge", body: String(repeating: "x", count: 11))  // larger than the cap: not kept at all
        #expect(Self.kept(cache, "huge") == nil)
        #expect(cache.usage.answers == 2)
    }

    @Test func eachChangeDropsExactlyTheAnswersTaggedWithWhatItNames() {
        typealias Tag = KeyAnswerCache.Tag
        let fingerprint = "0123456789ABCDEF0123456789ABCDEF01234567"
        let other = "FEDCBA9876543210FEDCBA9876543210FEDCBA98"
        let entries: [(key: String, tags: [String])] = [
            ("wkd alice", [Tag.address("example.org", "hash1"), Tag.domain("example.org")]),
            ("wkd bob", [Tag.address("example.org", "hash2"), Tag.domain("example.org")]),
            ("wkd carol", [Tag.address("other.example", "hash1"), Tag.domain("other.example")]),
            ("vks fingerprint", [Tag.key(fingerprint), Tag.lookup(fingerprint)]),
            ("vks keyid", [Tag.key(fingerprint), Tag.lookup("89ABCDEF01234567")]),
            ("vks email", [Tag.key(fingerprint), Tag.email("alice@example.org")]),
            ("vks other", [Tag.key(other), Tag.lookup(other)]),
        ]
        let cases: [(DirectoryChange, Set<String>)] = [
            (.address(domain: "example.org", wkdHash: "hash1"), ["wkd alice"]),
            (.domain("example.org"), ["wkd alice", "wkd bob"]),
            (.publishedKey(fingerprint: fingerprint), ["vks fingerprint", "vks keyid", "vks email"]),
            (.publishedLookup(id: "89ABCDEF01234567"), ["vks keyid"]),
            (.publishedAddress("alice@example.org"), ["vks email"]),
            (.publishedAddress("bob@example.org"), []),
            (.everything, Set(entries.map(\.key))),
        ]
        for (change, dropped) in cases {
            let cache = KeyAnswerCache()
            for entry in entries { Self.keep(cache, entry.key, tags: entry.tags) }
            cache.apply(change)
            let gone = Set(entries.map(\.key).filter { Self.kept(cache, $0) == nil })
            #expect(gone == dropped, "\(change)")
            #expect(cache.usage.answers == entries.count - dropped.count)
        }
    }

    @Test func anAnswerReadBeforeAChangeIsNotKept() {
        let cache = KeyAnswerCache()
        let ticket = cache.ticket()
        cache.apply(.publishedKey(fingerprint: "UNRELATED"))  // any change: the read may have raced it
        cache.store(Self.answer("stale"), for: "k", tags: [], until: .now() + .seconds(60), ticket: ticket)
        #expect(Self.kept(cache, "k") == nil)
        cache.store(Self.answer("fresh"), for: "k", tags: [], until: .now() + .seconds(60), ticket: cache.ticket())
        #expect(Self.kept(cache, "k") == "fresh")
    }

    @Test func answersExpireAtTheirDeadlineOrTheLifetime() {
        let cache = KeyAnswerCache()
        let start = NIODeadline.now()
        cache.store(Self.answer("short"), for: "short", tags: [], until: start + .seconds(5), ticket: cache.ticket(), now: start)
        cache.store(Self.answer("long"), for: "long", tags: [], until: start + .seconds(3600), ticket: cache.ticket(), now: start)
        #expect(cache.answer(for: "short", now: start + .seconds(4))?.body == ByteBuffer(string: "short"))
        #expect(cache.answer(for: "short", now: start + .seconds(5)) == nil)
        #expect(cache.answer(for: "long", now: start + .seconds(59)) != nil)
        #expect(cache.answer(for: "long", now: start + .seconds(60)) == nil)  // KeyAnswerCache.lifetime
        #expect(cache.usage.answers == 0)
    }

    @Test func requestKeys() {
        let hash = "kei1q4tipxxu1yj79k9kfukdhfy631xe"
        #expect(KeyAnswerCache.requestKey(host: "OpenPGPKey.Example.org:443", target: "/.well-known/openpgpkey/example.org/hu/\(hash)?l=alice")
                == "w openpgpkey.example.org /.well-known/openpgpkey/example.org/hu/\(hash)")
        #expect(KeyAnswerCache.requestKey(host: nil, target: "/.well-known/openpgpkey/hu/\(hash)") == nil)
        #expect(KeyAnswerCache.requestKey(host: ":443", target: "/.well-known/openpgpkey/hu/\(hash)") == nil)
        #expect(KeyAnswerCache.requestKey(host: "Example.ORG", target: "/.well-known/openpgpkey/hu/\(hash)") == "w example.org /.well-known/openpgpkey/hu/\(hash)")
        #expect(KeyAnswerCache.requestKey(host: "[::1]", target: "/.well-known/openpgpkey/hu/\(hash)") == "w [::1] /.well-known/openpgpkey/hu/\(hash)")
        #expect(KeyAnswerCache.requestKey(host: "x", target: "/vks/v1/by-email/alice%40example.org?x=1") == "v /vks/v1/by-email/alice%40example.org")
        #expect(KeyAnswerCache.requestKey(host: "x", target: "/pks/lookup?op=get&search=0xABCD") == "h /pks/lookup?op=get&search=0xABCD")
        #expect(KeyAnswerCache.requestKey(host: "x", target: "/pks/add") == nil)
        #expect(KeyAnswerCache.requestKey(host: "x", target: "/vks/v1/upload") == nil)
        #expect(KeyAnswerCache.requestKey(host: "x", target: "/") == nil)
    }

    /// Request targets and Host headers come from clients: 10 000 seeded mutations of real ones each give a key or nil,
    /// and a key always starts with the kind and holds the target's path.
    @Test func mutatedTargetsAndHostsGiveAKeyOrNil() {
        let targets = ["/.well-known/openpgpkey/example.org/hu/kei1q4tipxxu1yj79k9kfukdhfy631xe?l=alice",
                       "/vks/v1/by-email/alice%40example.org", "/pks/lookup?op=get&search=0x0123456789ABCDEF"]
        let hosts = ["openpgpkey.example.org:443", "[2001:db8::1]:8443", "example.org"]
        let alphabet = Array("/?:[]%@.&=aZ09\u{0}\u{FF}\u{1F600} ".unicodeScalars)
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        func mutate(_ text: String) -> String {
            var scalars = Array(text.unicodeScalars)
            for _ in 0..<(1 + next(4)) {
                let at = scalars.isEmpty ? 0 : next(scalars.count)
                switch next(3) {
                case 0 where !scalars.isEmpty: scalars.remove(at: at)
                case 1: scalars.insert(alphabet[next(alphabet.count)], at: at)
                default: if !scalars.isEmpty { scalars[at] = alphabet[next(alphabet.count)] }
                }
            }
            return String(String.UnicodeScalarView(scalars))
        }
        for _ in 0..<10_000 {
            let target = mutate(targets[next(targets.count)])
            let host = next(5) == 0 ? nil : mutate(hosts[next(hosts.count)])
            guard let key = KeyAnswerCache.requestKey(host: host, target: target) else { continue }
            #expect(["w ", "v ", "h "].contains(String(key.prefix(2))))
            #expect(key.hasSuffix(String(target.prefix { $0 != "?" })) || key.hasSuffix(target))
        }
    }

    /// RFC 9110 §5.6.7's example, and Foundation's formatter for 1 000 seeded times up to 2100.
    @Test func httpDates() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var state: UInt64 = 20
        for _ in 0..<1_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let seconds = Int(state >> 33) % 4_102_444_800
            #expect(HTTPDate.format(seconds) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
        }
    }
}
