import MTASTS
import Testing

@Suite("Publishing: policy id and Postfix match list")
struct PublishingTests {
    @Test("§3.1: the derived id is the first 32 hex digits of SHA-256 of the canonical text")
    func derivedID() throws {
        let example = try MTASTSPolicy(parsing: Array(MTASTSPolicyTests.rfcExample.utf8))
        // printf 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n' | sha256sum
        #expect(example.derivedID == "b7c7f8ecaf8c62bfd6c88412f7c35d06")
        let none = try MTASTSPolicy(mode: .none, maxAge: 86400, mx: [])
        #expect(none.derivedID == "94815eb6141fb6e5526888bf66f98f76")
        #expect(try MTASTSRecord(id: example.derivedID).id == "b7c7f8ecaf8c62bfd6c88412f7c35d06")
    }

    @Test("§3.1: the id changes whenever the policy changes, and only then")
    func idFollowsPolicy() throws {
        let example = try MTASTSPolicy(parsing: Array(MTASTSPolicyTests.rfcExample.utf8))
        let testing = try MTASTSPolicy(mode: .testing, maxAge: example.maxAge, mx: example.mx)
        #expect(testing.derivedID == "9b1264ae42c7d9e0d709d2e977f49e91")
        let longer = try MTASTSPolicy(mode: .enforce, maxAge: example.maxAge + 1, mx: example.mx)
        let reordered = try MTASTSPolicy(mode: .enforce, maxAge: example.maxAge, mx: example.mx.reversed())
        let ids = Set([example, testing, longer, reordered].map(\.derivedID))
        #expect(ids.count == 4)
        // Same meaning, other formatting: same id.
        let reformatted = try MTASTSPolicy(parsing: Array("mode:enforce  \r\nversion: STSv1\nmx: MAIL.example.com.\nmx: *.example.net\nfoo: bar\nmx: backupmx.example.com\nmax_age: 0604800".utf8))
        #expect(reformatted.derivedID == example.derivedID)
    }

    @Test("Postfix match list: literal hosts stay, *.domain becomes .domain (a documented widening)")
    func postfixMatchList() throws {
        let example = try MTASTSPolicy(parsing: Array(MTASTSPolicyTests.rfcExample.utf8))
        #expect(example.postfixMatchList == ["mail.example.com", ".example.net", "backupmx.example.com"])
        let none = try MTASTSPolicy(mode: .none, maxAge: 1, mx: [])
        #expect(none.postfixMatchList == [])
        let repeated = try MTASTSPolicy(mode: .enforce, maxAge: 1, mx: [try MXPattern("*.A.example"), try MXPattern("*.a.example"), try MXPattern("a.example")])
        #expect(repeated.postfixMatchList == [".a.example", "a.example"])
    }
}
