import DMARC
import Testing

/// The bundled Public Suffix List and its matching rules (https://publicsuffix.org/list/), for RFC 7489 §3.2.
@Suite("Public Suffix List")
struct PublicSuffixListTests {
    let list = PublicSuffixList.bundled

    @Test("The bundled list is Debian's publicsuffix 20230209")
    func version() {
        #expect(PublicSuffixList.bundledVersion == "Debian publicsuffix 20230209.2326-1")
    }

    @Test("RFC 7489 §3.2: the public suffix plus one label")
    func ordinaryRules() {
        #expect(list.organizationalDomain(of: "www.example.co.uk") == "example.co.uk")
        #expect(list.organizationalDomain(of: "a.b.example.com") == "example.com")
        #expect(list.organizationalDomain(of: "example.com") == "example.com")
        #expect(list.publicSuffix(of: "www.example.co.uk") == "co.uk")
        // A public suffix has no further label: it is its own.
        #expect(list.organizationalDomain(of: "co.uk") == "co.uk")
        #expect(list.organizationalDomain(of: "com") == "com")
    }

    @Test("Wildcards and their exceptions: *.ck / !www.ck, *.kawasaki.jp / !city.kawasaki.jp")
    func wildcardsAndExceptions() {
        #expect(list.publicSuffix(of: "shop.foo.ck") == "foo.ck")
        #expect(list.organizationalDomain(of: "a.shop.foo.ck") == "shop.foo.ck")
        #expect(list.publicSuffix(of: "a.www.ck") == "ck")
        #expect(list.organizationalDomain(of: "a.www.ck") == "www.ck")
        #expect(list.organizationalDomain(of: "x.y.z.kawasaki.jp") == "y.z.kawasaki.jp")
        #expect(list.organizationalDomain(of: "www.city.kawasaki.jp") == "city.kawasaki.jp")
    }

    @Test("Unlisted top-level domains fall to the default rule *; private-section rules count; IDN rules are A-labels")
    func defaultPrivateAndIDN() {
        #expect(list.organizationalDomain(of: "a.b.dmarc.test") == "dmarc.test")
        #expect(list.organizationalDomain(of: "foo.github.io") == "foo.github.io")
        #expect(list.organizationalDomain(of: "x.y.xn--aroport-bya.ci") == "y.xn--aroport-bya.ci")
    }

    @Test("A list read from text: comments, blank lines, case and text after a space")
    func customList() {
        let custom = PublicSuffixList(rules: "// comment\n\nEXAMPLE\n*.wild.example ignored\n!keep.wild.example\n")
        #expect(custom.organizationalDomain(of: "a.b.example") == "b.example")
        #expect(custom.organizationalDomain(of: "a.b.wild.example") == "a.b.wild.example")
        #expect(custom.organizationalDomain(of: "a.keep.wild.example") == "keep.wild.example")
        #expect(custom.publicSuffix(of: "x.other") == "other")
    }
}
