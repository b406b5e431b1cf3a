import DANE
import DNS
import SMTP
import Testing
import TransportSecurity

/// The decision table of a DANE + MTA-STS sender (RFC 8461 §2, §5; RFC 7672 §2.2), including the branches the lab
/// has no host for.
@Suite struct SenderDecisionTests {
    let greeting = SMTPReply(code: 220, lines: ["mx.example.test ESMTP"])
    var encrypted: SMTPSessionReport {
        SMTPSessionReport(greeting: greeting, tls: SMTPTLSDetails(version: "TLSv1.3", cipherSuite: nil, peerCertificates: []))
    }
    var plaintext: SMTPSessionReport { SMTPSessionReport(greeting: greeting) }
    let none = DANEPolicy.notApplicable("no TLSA records")

    func decide(_ dane: DANEVerdict, _ sts: MTASTSVerdict, _ session: SMTPSessionReport?, error: String? = nil) -> SenderDecision {
        TransportProbe.decide(dane: dane, danePolicy: none, mtaSTS: sts, session: session, connectionError: error).0
    }

    @Test("RFC 8461 §5: enforce defers on a PKIX failure or an unlisted host; testing delivers anyway")
    func mtaSTSModes() {
        #expect(decide(.noTLSA("none"), .failed(mode: "enforce", reason: "bad certificate"), encrypted) == .deferred)
        #expect(decide(.noTLSA("none"), .hostNotInPolicy(mode: "enforce", patterns: ["mx.example.test"]), encrypted) == .deferred)
        #expect(decide(.noTLSA("none"), .validated(mode: "enforce"), encrypted) == .verified)
        #expect(decide(.noTLSA("none"), .failed(mode: "testing", reason: "bad certificate"), encrypted) == .encryptedOnly)
        #expect(decide(.noTLSA("none"), .failed(mode: "testing", reason: "STARTTLS not offered"), plaintext) == .plaintextAllowed)
        #expect(decide(.noTLSA("none"), .validated(mode: "testing"), encrypted) == .verified)
    }

    @Test("RFC 7435: without DANE or MTA-STS, TLS when offered, else plaintext")
    func opportunistic() {
        #expect(decide(.noTLSA("none"), .noPolicy("no TXT"), encrypted) == .encryptedOnly)
        #expect(decide(.noTLSA("none"), .modeNone, plaintext) == .plaintextAllowed)
        #expect(decide(.noTLSA("none"), .noPolicy("no TXT"), nil, error: "connection refused") == .deferred)
    }

    @Test("RFC 8461 §2: DANE wins over MTA-STS, in both directions")
    func daneFirst() throws {
        let record = try TLSA(usage: 3, selector: 1, matchingType: 1, data: Array(repeating: 1, count: 32)).smtpUsability.get()
        #expect(decide(.validated(record), .failed(mode: "enforce", reason: "not in the web PKI"), encrypted) == .verified)
        #expect(decide(.failed(.noMatch), .validated(mode: "enforce"), encrypted) == .deferred)
    }

    @Test("RFC 7672 §2.2: unusable records need TLS; bogus always defers")
    func unusableAndBogus() {
        let unusable = DANEVerdict.unusable([UnusableTLSA(record: TLSA(usage: 1, selector: 1, matchingType: 1, data: []), reason: .pkixUsage(1))])
        #expect(decide(unusable, .noPolicy("no TXT"), encrypted) == .encryptedOnly)
        #expect(decide(unusable, .noPolicy("no TXT"), plaintext) == .deferred)
        #expect(decide(.bogus("EDE 6"), .validated(mode: "enforce"), encrypted) == .deferred)
    }
}
