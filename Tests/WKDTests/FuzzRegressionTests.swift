import Testing
import WKD

/// Inputs the libFuzzer harness `wkd-address` (Fuzz/, docs/fuzzing.md) found, kept as bytes.
@Suite("WKDAddress: fuzzer findings")
struct FuzzRegressionTests {
    /// The domain went into the advanced method's host and path unescaped: `?` (or `#`, `%`, `:`, whitespace) made the
    /// rest of the path a query or fragment, so the URL asked for something else than the address's key.
    @Test("a domain with URL delimiters is refused", arguments: [
        [0x22, 0x40, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x3f, 0x2e, 0x74, 0x65, 0x73, 0x74, 0x74, 0x65, 0x73, 0x74],
        [0x4a, 0x6f, 0x65, 0x2e, 0x22, 0x61, 0x40, 0x62, 0x22, 0x40, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x3f],
    ] as [[UInt8]])
    func urlDelimitersInDomain(bytes: [UInt8]) {
        #expect(throws: WKDError.invalidAddress("", "")) { try WKDAddress(String(decoding: bytes, as: UTF8.self)) }
    }

    @Test("delimiters, whitespace and empty labels in the domain", arguments: [
        "a@example.org#x", "a@ex%41mple.org", "a@example.org:443", "a@exa mple.org", "a@example..org", "a@example.org\n",
        "a@[192.0.2.1]",
    ])
    func otherBadDomains(address: String) {
        #expect(throws: WKDError.invalidAddress("", "")) { try WKDAddress(address) }
    }

    @Test("host names, underscores and IDN domains are still accepted", arguments: [
        "a@example.org", "a@EXAMPLE.org", "a@_dmarc.example", "a@xn--mnchen-3ya.example", "a@münchen.example", "\"a@b\"@example.org",
    ])
    func goodDomains(address: String) throws {
        let parsed = try WKDAddress(address)
        #expect(parsed.path(.advanced).hasPrefix("/.well-known/openpgpkey/\(parsed.domain)/hu/"))
    }
}
