import DKIM
import DNS
import Foundation
import Logging
import MailAuthentication
import Milter
import SPF
@testable import StockadeServer
import Testing

/// The milter's mapping from what DMARC asks for to Postfix's action, and its header handling, without Postfix.
@Suite struct AuthenticationMilterTests {
    static let header = try! MilterHeaderChange.insert("Authentication-Results", "mx.example.org; dmarc=fail", at: 0)

    func decide(_ requested: RequestedDisposition, from client: String = "198.51.100.7",
                _ json: String = #"{"listen": "inet:127.0.0.1:8891", "authservID": "mx.example.org"}"#) throws -> MilterDecision {
        let settings = try JSONDecoder().decode(MilterSettings.self, from: Data(json.utf8))
        return try AuthenticationMilterPolicy(settings).decision(for: requested, client: try SPF.ClientAddress(client),
                                                                 headerChanges: [Self.header])
    }

    @Test func defaultsRejectHoldAndRefuseNoAuthor() throws {
        #expect(try decide(.deliver) == MilterDecision(.accept, headerChanges: [Self.header]))
        #expect(try decide(.reject(domain: "mail.test", reason: "no aligned Authenticated Identifier; p=reject"))
            == MilterDecision(.reject(try MilterSMTPReply(code: 550, status: "5.7.1",
                                                          "DMARC policy of mail.test rejects this message: no aligned Authenticated Identifier; p=reject"))))
        #expect(try decide(.quarantine(domain: "q.test", reason: "p=quarantine"))
            == MilterDecision(.accept, headerChanges: [Self.header], quarantine: "DMARC policy of q.test: p=quarantine"))
        #expect(try decide(.temporaryFailure(domain: "s.test", reason: "_dmarc.s.test TXT: SERVFAIL"))
            == MilterDecision(.tempfail(try MilterSMTPReply(code: 451, status: "4.7.1",
                                                            "DMARC of s.test cannot be checked now: _dmarc.s.test TXT: SERVFAIL"))))
        #expect(try decide(.noAuthorDomain(.fromFieldCount(0)))
            == MilterDecision(.reject(try MilterSMTPReply(code: 550, status: "5.7.1",
                                                          "one From field must name the author (RFC 5322 section 3.6): the message has 0 From fields; RFC 5322 section 3.6 requires exactly one"))))
    }

    @Test func settingsSoftenTheActions() throws {
        let soft = #"{"listen": "inet:127.0.0.1:8891", "authservID": "mx.example.org", "reject": false, "quarantine": "header", "noAuthorDomain": "accept"}"#
        let accepted = MilterDecision(.accept, headerChanges: [Self.header])
        #expect(try decide(.reject(domain: "mail.test", reason: "p=reject"), soft) == accepted)
        #expect(try decide(.quarantine(domain: "q.test", reason: "p=quarantine"), soft) == accepted)
        #expect(try decide(.noAuthorDomain(.fromFieldCount(0)), soft) == accepted)
        let holdRejects = #"{"listen": "inet:127.0.0.1:8891", "authservID": "mx.example.org", "reject": false}"#
        #expect(try decide(.reject(domain: "mail.test", reason: "p=reject"), holdRejects)
            == MilterDecision(.accept, headerChanges: [Self.header], quarantine: "DMARC policy of mail.test: p=reject"))
    }

    @Test func trustedForwardersAreAcceptedWithTheHeader() throws {
        let json = #"{"listen": "inet:127.0.0.1:8891", "authservID": "mx.example.org", "trustedForwarders": ["192.0.2.0/25", "2001:db8::1"]}"#
        let reject = RequestedDisposition.reject(domain: "mail.test", reason: "p=reject")
        #expect(try decide(reject, from: "192.0.2.66", json) == MilterDecision(.accept, headerChanges: [Self.header]))
        #expect(try decide(reject, from: "2001:db8::1", json) == MilterDecision(.accept, headerChanges: [Self.header]))
        #expect(try decide(reject, from: "192.0.2.200", json).verdict != .accept)
        #expect(try decide(reject, from: "2001:db8::2", json).verdict != .accept)
        #expect(try decide(.quarantine(domain: "q.test", reason: "p=quarantine"), from: "192.0.2.1", json)
            == MilterDecision(.accept, headerChanges: [Self.header]))
    }

    /// `domainOverrides`: only the named Author Domain is treated more mildly.
    @Test func domainOverridesSoftenOneDomain() throws {
        let json = #"{"listen": "inet:127.0.0.1:8891", "authservID": "mx.example.org", "domainOverrides": {"Lists.example": "none", "q.test": "quarantine"}}"#
        #expect(try decide(.reject(domain: "lists.example", reason: "p=reject"), json) == MilterDecision(.accept, headerChanges: [Self.header]))
        #expect(try decide(.quarantine(domain: "lists.example", reason: "p=quarantine"), json) == MilterDecision(.accept, headerChanges: [Self.header]))
        #expect(try decide(.reject(domain: "q.test", reason: "p=reject"), json)
            == MilterDecision(.accept, headerChanges: [Self.header], quarantine: "DMARC policy of q.test: p=reject"))
        #expect(try decide(.reject(domain: "other.test", reason: "p=reject"), json)
            == MilterDecision(.reject(try MilterSMTPReply(code: 550, status: "5.7.1", "DMARC policy of other.test rejects this message: p=reject"))))
    }

    @Test func badSettingsAreRefused() throws {
        for json in [#"{"listen": "x", "authservID": "mx example"}"#, #"{"listen": "x", "authservID": "mx", "trustedForwarders": ["192.0.2.0/33"]}"#,
                     #"{"listen": "x", "authservID": "mx", "trustedForwarders": ["mail.test"]}"#] {
            #expect(throws: ConfigurationError.self) { try decide(.deliver, json) }
        }
    }

    /// Only fields claiming our authserv-id go, last first; other receivers' stay.
    @Test func forgedResultsAreDeletedLastFirst() throws {
        let headers = [("Authentication-Results", " other.example; spf=pass"), ("Authentication-Results", " MX.example.org; dmarc=pass"),
                       ("Subject", " hi"), ("authentication-results", " mx.example.org;\n\tdkim=pass")]
            .map { MilterHeader(name: $0.0, value: Array($0.1.utf8)) }
        #expect(AuthenticationMilter.removingForgedResults(headers, authservID: "mx.example.org")
            == [try .delete("Authentication-Results", occurrence: 3), try .delete("Authentication-Results", occurrence: 2)])
    }

    /// Postfix's folded lines (bare LF) are CRLF again for DKIM.
    @Test func headersGetTheirCRLFBack() {
        var message = MilterMessage()
        message.headers = [MilterHeader(name: "X-Fold", value: Array(" a\n\tb".utf8))]
        message.body = Array("hi\r\n".utf8)
        let converted = AuthenticationMilter.dkimMessage(message)
        #expect(converted.headers.map(\.raw) == [Array("X-Fold: a\r\n\tb".utf8)])
        #expect(converted.body == Array("hi\r\n".utf8))
    }

    @Test func unknownMilterKeysAreRefused() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-milter-\(UUID().uuidString.prefix(8)).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"milter": {"listen": "inet:127.0.0.1:8891", "authservID": "mx", "rejct": false}}"#.utf8).write(to: file)
        #expect { try ServerConfiguration.load(path: file.path) } throws: { error in
            (error as? ConfigurationError)?.reason == "\(file.path): milter.rejct: unknown key"
        }
    }

    /// A body cut at the milter's limit cannot be checked: refused before any lookup.
    @Test func truncatedMessageIsRefused() async throws {
        let settings = MilterSettings(listen: "inet:127.0.0.1:8891", authservID: "mx.example.org")
        let resolver = Resolver<ContinuousClock>(configuration: try ResolverConfiguration(servers: ["127.0.0.1:53"]))
        let filter = AuthenticationMilter(authenticator: MailAuthenticator(resolver: resolver), policy: try AuthenticationMilterPolicy(settings),
                                          signers: try MilterSigners(settings), logger: Logger(label: "test"))
        var message = MilterMessage()
        message.body = Array("hi\r\n".utf8)
        message.bodyLength = 11 << 20
        #expect(await filter.endOfMessage(message)
            == MilterDecision(.reject(try MilterSMTPReply(code: 552, status: "5.3.4", "message too big for DKIM and DMARC checks"))))
    }
}

/// `trustedAuthservIDs` (RFC 8601 §5, §7.2) and two-selector rotation, without Postfix.
@Suite struct AuthenticationMilterUpstreamTests {
    static let upstreams = try! MilterTrustedUpstreams(["lists.example": ["192.0.2.64/26"]])

    static func headers(_ values: [String]) -> [MilterHeader] {
        values.map { MilterHeader(name: "Authentication-Results", value: Array(" \($0)".utf8)) }
    }

    /// The upstream's topmost field says dmarc=pass for the Author Domain: believed from its own address only.
    @Test func upstreamPassIsBelievedFromTheUpstreamOnly() throws {
        let headers = Self.headers(["lists.example; dkim=pass header.d=mail.test; dmarc=pass header.from=mail.test"])
        #expect(Self.upstreams.vouch(for: "mail.test", in: headers, client: try SPF.ClientAddress("192.0.2.66")))
        #expect(Self.upstreams.vouch(for: "MAIL.test", in: headers, client: try SPF.ClientAddress("192.0.2.127")))
        #expect(!Self.upstreams.vouch(for: "mail.test", in: headers, client: try SPF.ClientAddress("192.0.2.10")))
        #expect(!Self.upstreams.vouch(for: "other.test", in: headers, client: try SPF.ClientAddress("192.0.2.66")))
    }

    /// Only the topmost field of the upstream counts (the one it added); a pass below it was there before it.
    @Test func onlyTheTopmostFieldOfTheUpstreamCounts() throws {
        let client = try SPF.ClientAddress("192.0.2.66")
        let failOnTop = Self.headers(["lists.example; dmarc=fail header.from=mail.test", "lists.example; dmarc=pass header.from=mail.test"])
        #expect(!Self.upstreams.vouch(for: "mail.test", in: failOnTop, client: client))
        let otherOnTop = Self.headers(["other.example; dmarc=fail header.from=mail.test", "lists.example; dmarc=pass header.from=mail.test"])
        #expect(Self.upstreams.vouch(for: "mail.test", in: otherOnTop, client: client))
        #expect(!Self.upstreams.vouch(for: "mail.test", in: Self.headers(["lists.example; dkim=pass header.d=mail.test"]), client: client))
    }

    /// A field claiming the upstream's authserv-id from anyone else is deleted with ours; from the upstream it stays.
    @Test func upstreamFieldFromAnotherClientIsDeleted() throws {
        let headers = Self.headers(["lists.example; dmarc=pass header.from=mail.test", "other.example; spf=pass", "mx.example.org; dmarc=pass"])
        let stranger = try SPF.ClientAddress("198.51.100.7")
        #expect(AuthenticationMilter.removingForgedResults(headers, authservID: "mx.example.org") { Self.upstreams.isForged($0, client: stranger) }
            == [try .delete("Authentication-Results", occurrence: 3), try .delete("Authentication-Results", occurrence: 1)])
        let upstream = try SPF.ClientAddress("192.0.2.66")
        #expect(AuthenticationMilter.removingForgedResults(headers, authservID: "mx.example.org") { Self.upstreams.isForged($0, client: upstream) }
            == [try .delete("Authentication-Results", occurrence: 3)])
    }

    /// The policy lets a vouched-for failure through, and nothing else.
    @Test func vouchedFailureIsDelivered() throws {
        let json = #"{"listen": "inet:127.0.0.1:8891", "authservID": "mx.example.org", "trustedAuthservIDs": {"Lists.Example": ["192.0.2.64/26"]}}"#
        let policy = try AuthenticationMilterPolicy(try JSONDecoder().decode(MilterSettings.self, from: Data(json.utf8)))
        let headers = Self.headers(["lists.example; dmarc=pass header.from=mail.test"])
        let reject = RequestedDisposition.reject(domain: "mail.test", reason: "p=reject")
        #expect(policy.vouched(reject, headers: headers, client: try SPF.ClientAddress("192.0.2.66")) == .deliver)
        #expect(policy.vouched(reject, headers: headers, client: try SPF.ClientAddress("192.0.2.10")) == reject)
        let failure = RequestedDisposition.temporaryFailure(domain: "mail.test", reason: "SERVFAIL")
        #expect(policy.vouched(failure, headers: headers, client: try SPF.ClientAddress("192.0.2.66")) == failure)
    }

    @Test func badUpstreamsAreRefused() {
        for entry in [["": ["192.0.2.1"]], ["lists.example": []], ["lists example": ["192.0.2.1"]], ["lists.example": ["lists.example"]]] {
            #expect(throws: ConfigurationError.self) { try MilterTrustedUpstreams(entry) }
        }
    }

    /// Two selectors: s1 until `next.from`, s2 from that instant on.
    @Test func rotationSignsWithTheSelectorOfTheTime() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-rotation-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = try MilterPostfixTests.writeKey(in: folder)
        let settings = MilterSettings(listen: "inet:127.0.0.1:8891", authservID: "mx.example.org", signing: [
            .init(domain: "Mail.test", selector: "s1", key: key, next: .init(selector: "s2", key: key, from: "2026-12-10T00:00:00Z")),
        ], trustedNetworks: ["127.0.0.0/8"])
        let signers = try MilterSigners(settings)
        let message = DKIMMessage(headers: [HeaderField(raw: Array("From: a@mail.test".utf8))!], body: [])
        let local = try SPF.ClientAddress("127.0.0.1")
        let switchover = Date(timeIntervalSince1970: 1_796_860_800) // 2026-12-10T00:00:00Z
        #expect(signers.signer(for: message, authenticated: false, client: local, at: switchover - 1)?.selector == "s1")
        #expect(signers.signer(for: message, authenticated: false, client: local, at: switchover)?.selector == "s2")
        #expect(signers.signer(for: message, authenticated: false, client: try SPF.ClientAddress("192.0.2.10"), at: switchover) == nil)
        #expect(signers.signer(for: message, authenticated: true, client: try SPF.ClientAddress("192.0.2.10"), at: switchover)?.selector == "s2")
        for next in [MilterSettings.NextSelector(selector: "s2", key: key, from: "10 December 2026"),
                     MilterSettings.NextSelector(selector: "S1", key: key, from: "2026-12-10T00:00:00Z")] {
            var bad = settings
            bad.signing?[0].next = next
            #expect(throws: ConfigurationError.self) { try MilterSigners(bad) }
        }
    }
}
