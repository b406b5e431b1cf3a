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
