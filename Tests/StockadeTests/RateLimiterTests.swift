import Foundation
import HTTPTypes
@testable import StockadeServer
import TestSupport
import Testing

/// Issue 13, item 4: the per-client limit counts per IPv4 address or IPv6 /64, believes forwarding headers only from
/// trusted proxies, and keeps a bounded number of counters.
@Suite struct RateLimiterTests {
    @Test func fixedWindowPerKey() {
        let clock = TestClock(Date(timeIntervalSince1970: 1_000_000))
        let limiter = RateLimiter(limit: 2, window: 60, now: { clock.now })
        #expect(limiter.admit("a") == nil)
        #expect(limiter.admit("a") == nil)
        #expect(limiter.admit("a") == 60)
        #expect(limiter.admit("b") == nil)
        clock.advance(45)
        #expect(limiter.admit("a") == 15)
        clock.advance(15)
        #expect(limiter.admit("a") == nil, "a new window")
    }

    /// A flood of distinct keys keeps at most `capacity` counters, and a key that is still used keeps its count.
    @Test func memoryIsBounded() {
        let clock = TestClock(Date(timeIntervalSince1970: 1_000_000))
        let limiter = RateLimiter(limit: 1, window: 3600, capacity: 1_000, now: { clock.now })
        #expect(limiter.admit("owner") == nil)
        for i in 0..<100_000 {
            _ = limiter.admit("flood-\(i)")
            if i % 400 == 0 { #expect(limiter.admit("owner") == 3600, "still limited") }
            #expect(limiter.rememberedKeys <= 1_000)
        }
        #expect(limiter.rememberedKeys <= 1_000)
    }

    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"), ("192.0.2.1:8080", "192.0.2.1"), ("::ffff:192.0.2.1", "192.0.2.1"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"), ("[2001:db8:1:2::9]:443", "2001:db8:1:2::/64"),
        ("\"[2001:DB8:1:2::9]\"", "2001:db8:1:2::/64"), (" 198.51.100.7 ", "198.51.100.7"),
    ])
    func limitKeys(text: String, key: String) {
        #expect(ClientAddress(Substring(text))?.limitKey == key)
    }

    @Test(arguments: ["unknown", "_hidden", "", "192.0.2", "2001:db8::1::2", "[2001:db8::1", "300.1.1.1", "a.b.c.d"])
    func notAddresses(text: String) {
        #expect(ClientAddress(Substring(text)) == nil)
    }

    @Test func forwardedClients() throws {
        let proxies = try TrustedProxies(["10.0.0.0/8", "2001:db8:ffff::/48", "192.0.2.10"], setting: "keyServer.trustedProxies")
        let proxy = ClientAddress(Substring("10.1.2.3"))
        func client(_ name: HTTPField.Name, _ value: String, peer: ClientAddress? = proxy) -> String? {
            ClientAddress.of(peer: peer, headers: [name: value], trusting: proxies)?.limitKey
        }
        #expect(client(.xForwardedFor, "198.51.100.1") == "198.51.100.1")
        #expect(client(.xForwardedFor, "203.0.113.5, 198.51.100.1, 192.0.2.10") == "198.51.100.1", "the proxies are skipped")
        #expect(client(.xForwardedFor, "198.51.100.1", peer: ClientAddress(Substring("203.0.113.1"))) == "203.0.113.1",
                "an untrusted peer's header is ignored")
        #expect(client(.forwarded, "for=192.0.2.60;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\"")
            == "2001:db8:cafe::/64")
        #expect(client(.forwarded, "for=unknown") == "10.1.2.3", "an unusable hop leaves the last trusted proxy")
        #expect(client(.xForwardedFor, "2001:db8:ffff:1::1, 10.9.9.9") == "2001:db8:ffff:1::/64", "all hops trusted: the leftmost")
        #expect(throws: ConfigurationError.self) { try TrustedProxies(["10.0.0.0/33"], setting: "keyServer.trustedProxies") }
        #expect(throws: ConfigurationError.self) { try TrustedProxies(["proxy.example"], setting: "keyServer.trustedProxies") }
    }
}
