import DKIM
import DMARC
import MailAuthentication
import SPF
import TestSupport
import Testing

/// SPF, DKIM and DMARC on whole messages against the lab's signed zone mail.test (RFC 9989 §5.3 and §4.10.1).
@Suite("mail authentication (lab)")
struct MailAuthenticatorTests {
    let authorized = "192.0.2.10", stranger = "192.0.2.66"

    func run(_ message: DKIMMessage, client: String, mailFrom: String, helo: String = "mx.mail.test") async throws -> MessageAuthentication {
        try await MailAuthenticator(resolver: MailTest.resolver()).authenticate(message, client: try ClientAddress(client), helo: helo, mailFrom: mailFrom)
    }

    @Test func alignedSignatureAndSPFPass() async throws {
        let result = try await run(try MailTest.message(from: "alice@mail.test", signedBy: "mail.test"), client: authorized,
                                   mailFrom: "alice@mail.test")
        #expect(result.requested == .deliver)
        #expect(result.authenticationResults(authservID: "mx.example.net").value
            == "mx.example.net; spf=pass smtp.mailfrom=alice@mail.test; dkim=pass header.d=mail.test header.s=s1; "
            + "dmarc=pass policy.dmarc=none header.from=mail.test")
    }

    /// p=reject, no signature, SPF fails: reject (RFC 9989 §4.10.1 `p`).
    @Test func unauthenticatedRejected() async throws {
        let result = try await run(try MailTest.message(from: "alice@mail.test"), client: stranger, mailFrom: "alice@mail.test")
        #expect(result.spf.result == .fail)
        guard case .reject(let domain, _) = result.requested else { Issue.record("\(result.requested)"); return }
        #expect(domain == "mail.test")
    }

    /// SPF passes for bounces.mail.test, its own Organizational Domain (psd=n): not aligned with mail.test, so DMARC fails.
    @Test func spfPassButUnaligned() async throws {
        let result = try await run(try MailTest.message(from: "alice@mail.test"), client: authorized, mailFrom: "b@bounces.mail.test")
        #expect(result.spf.result == .pass)
        #expect(result.dmarc.first?.result.spfAligned == false)
        guard case .reject = result.requested else { Issue.record("\(result.requested)"); return }
    }

    /// sp= for an existing subdomain, np= for one that does not exist, t=y one step lower, p=none delivers.
    @Test func subdomainNonExistentTestingAndMonitoring() async throws {
        func requested(_ from: String) async throws -> RequestedDisposition {
            try await run(try MailTest.message(from: from), client: stranger, mailFrom: from).requested
        }
        guard case .quarantine(let sub, _) = try await requested("a@sub.mail.test") else { Issue.record("sub"); return }
        #expect(sub == "sub.mail.test")
        guard case .reject(let missing, _) = try await requested("a@nosuch.mail.test") else { Issue.record("np"); return }
        #expect(missing == "nosuch.mail.test")
        guard case .quarantine = try await requested("a@testing.mail.test") else { Issue.record("t=y"); return }
        guard case .quarantine = try await requested("a@quarantine.mail.test") else { Issue.record("quarantine"); return }
        #expect(try await requested("a@monitor.mail.test") == .deliver)
    }

    /// A DNS failure during the policy lookup is a temperror (RFC 9989 §5.3.6): the sender is asked to retry.
    @Test func servfailIsATemporaryFailure() async throws {
        let result = try await run(try MailTest.message(from: "a@x.child.secure.test"), client: stranger, mailFrom: "a@x.child.secure.test")
        guard case .temporaryFailure(let domain, _) = result.requested else { Issue.record("\(result.requested)"); return }
        #expect(domain == "x.child.secure.test")
    }

    /// Two From domains: each is evaluated, the strictest failing policy applies (RFC 9989, "Denial of DMARC
    /// Processing Attacks").
    @Test func severalAuthorDomainsTheStrictestWins() async throws {
        let message = try DKIMMessage(parsing: Array(("From: a@monitor.mail.test, b@mail.test\r\nSubject: x\r\n\r\nbody\r\n").utf8))
        let result = try await run(message, client: stranger, mailFrom: "a@monitor.mail.test")
        #expect(result.dmarc.map(\.domain) == ["monitor.mail.test", "mail.test"])
        guard case .reject(let domain, _) = result.requested else { Issue.record("\(result.requested)"); return }
        #expect(domain == "mail.test")
        #expect(result.authenticationResults(authservID: "mx").value
            == "mx; spf=fail smtp.mailfrom=a@monitor.mail.test; dmarc=fail policy.dmarc=none header.from=monitor.mail.test; "
            + "dmarc=fail policy.dmarc=reject header.from=mail.test")
    }
}
