import Testing
import VKS

/// The `search` parameter of `/pks/lookup` (draft-shaw-openpgp-hkp-00 §3.1.1), as `HKPSearch` reads it.
@Suite struct HKPSearchTests {
    @Test func fingerprintsKeyIDsAndAddresses() {
        #expect(HKPSearch("0x" + String(repeating: "ab", count: 20)) == .fingerprint(String(repeating: "AB", count: 20)))
        #expect(HKPSearch("0123456789abcdef") == .keyID("0123456789ABCDEF"))
        #expect(HKPSearch(" <Alice@Example.ORG> ") == .email("alice@example.org"))
        #expect(HKPSearch("alice@example.org") == .email("alice@example.org"))
        #expect(HKPSearch("01234567") == nil)  // short key IDs enumerate the directory
        #expect(HKPSearch("alice") == nil)
        #expect(HKPSearch("a@b@example.org") == nil)
        #expect(HKPSearch("@example.org") == nil)
        #expect(HKPSearch("alice@localhost") == nil)
    }

    /// Found by the `hkp-search` fuzz harness: the second `@` carries a combining mark (U+0319), so as Characters it is
    /// not an `@`, and an address with two `@` was accepted.
    @Test func anAtSignWithACombiningMarkIsStillAnAtSign() {
        let found: [UInt8] = [
            0x20, 0x3c, 0x41, 0x6c, 0x69, 0x69, 0x65, 0x40, 0x45, 0x78, 0x61, 0x6d, 0x34, 0x66, 0xcc, 0xcc, 0xcc, 0xcc,
            0x30, 0x36, 0x30, 0x39, 0x61, 0x36, 0x39, 0x37, 0x65, 0x40, 0xcc, 0x99, 0x9e, 0xc1, 0x63, 0x70, 0x6c, 0x65,
            0x2e, 0x4f, 0x52, 0x47, 0x3e, 0x20,
        ]
        #expect(HKPSearch(String(decoding: found, as: UTF8.self)) == nil)
        #expect(HKPSearch("a@b@\u{319}example.org") == nil)
        #expect(HKPSearch("a@\u{319}example.org") == .email("a@\u{319}example.org"))
        #expect(HKPSearch("a@example.\u{319}org") == .email("a@example.\u{319}org"))
    }
}
