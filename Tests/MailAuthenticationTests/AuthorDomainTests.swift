import DKIM
import MailAuthentication
import Testing

/// The Author Domain (RFC 9989, "Determine the Author Domain"): the one From field's domains, or why there are none.
@Suite struct AuthorDomainTests {
    func domains(_ fields: [String]) -> Result<[String], AuthorProblem> {
        AuthorDomains.of(fields.map { HeaderField(name: "From", value: $0) } + [HeaderField(name: "To", value: " bob@example.net")])
    }

    @Test func mailboxForms() {
        #expect(domains([" alice@Example.ORG"]) == .success(["example.org"]))
        #expect(domains([" Alice <alice@mail.example.org.>"]) == .success(["mail.example.org"]))
        #expect(domains([" \"Doe, Jane <jd@evil.test>\" (the boss, (really)) <jane@example.org>"]) == .success(["example.org"]))
        #expect(domains([" \"quoted@local\"@example.org"]) == .success(["example.org"]))
        #expect(domains([" <@relay.test:alice@example.org>"]) == .success(["example.org"]))
        #expect(domains([" Team: a@one.test, b@two.test;"]) == .success(["one.test", "two.test"]))
        #expect(domains([" a@one.test,\r\n\tB@ONE.test"]) == .success(["one.test"]))
    }

    /// RFC 5322 §3.6: exactly one From field; a message with none or two is outside DMARC.
    @Test func fieldCount() {
        #expect(domains([]) == .failure(.fromFieldCount(0)))
        #expect(domains([" a@one.test", " b@two.test"]) == .failure(.fromFieldCount(2)))
    }

    @Test func malformedAndTooMany() {
        #expect(domains([" undisclosed-recipients:;"]) == .failure(.malformedFrom("no address")))
        #expect(domains([" alice"]) == .failure(.malformedFrom("\"alice\" has no local part and domain")))
        #expect(domains([" alice@[192.0.2.1]"]) == .failure(.malformedFrom("\"[192.0.2.1]\" is not a domain name")))
        #expect(domains([" (unclosed alice@example.org"]) == .failure(.malformedFrom("an unclosed comment")))
        #expect(domains([" " + String(repeating: "(", count: 9) + "x" + String(repeating: ")", count: 9) + " a@b.test"])
            == .failure(.malformedFrom("comments nested deeper than 8")))
        let six = (1...6).map { "u@d\($0).test" }.joined(separator: ", ")
        #expect(domains([" " + six]) == .failure(.tooManyDomains(5)))
        #expect(domains([" " + String(repeating: "a", count: 4097) + "@x.test"]) == .failure(.malformedFrom("longer than 4096 octets")))
    }
}
