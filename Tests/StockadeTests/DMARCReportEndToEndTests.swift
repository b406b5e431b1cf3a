import Crypto
import DKIM
import DMARC
import DNS
import Foundation
import Logging
import MailAuthentication
import Milter
import SPF
@testable import StockadeServer
import Store
import TestSupport
import Testing

/// The milter checks real messages against the lab's DNS (mail.test: `v=spf1 ip4:192.0.2.10 -all`,
/// `v=DMARC1; p=reject; sp=quarantine; np=reject`, Ed25519 key s1; testing.mail.test: `p=reject; t=y`), records each
/// result, and the day's aggregate report for mail.test holds exactly those rows (RFC 9990 §3.1: one report per
/// DMARC Policy Domain; testing.mail.test has its own record, hence its own report).
@Suite("DMARC aggregate reports from the milter's results (lab DNS)")
struct DMARCReportEndToEndTests {
    /// The lab zone's s1 key of mail.test: the Ed25519 seed is SHA-256 of this text (as MilterPostfixTests writes it).
    static func labKey(_ selector: String = "s1") throws -> DKIMSigningKey {
        let seed = Array(SHA256.hash(data: Data("stockade mail.test ed25519 selector \(selector)".utf8)))
        let pkcs8: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20] + seed
        let pem = "-----BEGIN PRIVATE KEY-----\n\(Data(pkcs8).base64EncodedString())\n-----END PRIVATE KEY-----\n"
        return try DKIMSigningKey(pem: pem)
    }

    static func resolver() throws -> Resolver<ContinuousClock> {
        Resolver(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")]))
    }

    static func message(from: String, mailFrom: String, client: String, helo: String = "mail.test", signed: Bool = false) throws -> MilterMessage {
        var message = MilterMessage()
        message.macros["client_addr"] = client
        message.helo = helo
        message.sender = mailFrom
        message.recipients = ["<bob@receiver.test>"]
        message.headers = [MilterHeader(name: "From", value: Array(from.utf8)), MilterHeader(name: "To", value: Array("bob@receiver.test".utf8)),
                           MilterHeader(name: "Subject", value: Array("report test".utf8)),
                           MilterHeader(name: "Date", value: Array("Sun, 06 Dec 2026 10:00:00 +0000".utf8))]
        message.body = Array("Hello.\r\n".utf8)
        message.bodyLength = message.body.count
        if signed {
            let signer = DKIMSigner(domain: "mail.test", selector: "s1", key: try labKey())
            let field = try signer.signature(for: AuthenticationMilter.dkimMessage(message), at: Date())
            var value = String(decoding: field.rawValue, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            if value.hasPrefix(" ") { value.removeFirst() }
            message.headers.insert(MilterHeader(name: field.name, value: Array(value.utf8)), at: 0)
        }
        return message
    }

    @Test("the milter's results for one day make the report, byte for byte")
    func milterResultsMakeTheReport() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let store = try SQLiteStore(path: path)
        let settings = try JSONDecoder().decode(MilterSettings.self, from: Data(#"{"listen": "inet:127.0.0.1:8891", "authservID": "mx.receiver.test"}"#.utf8))
        let filter = AuthenticationMilter(authenticator: MailAuthenticator(resolver: try Self.resolver(), receivingHost: "mx.receiver.test"),
                                          policy: try AuthenticationMilterPolicy(settings), signers: try MilterSigners(settings),
                                          logger: Logger(label: "test"), recorder: DMARCResultRecorder(store: store, logger: Logger(label: "test")))
        let start = Date()
        // Aligned SPF and DKIM pass under p=reject, twice: one row, count 2, disposition pass.
        for _ in 0..<2 {
            let decision = await filter.endOfMessage(try Self.message(from: "alice@mail.test", mailFrom: "<alice@mail.test>", client: "192.0.2.10", signed: true))
            #expect(decision.verdict == .accept)
        }
        // SPF fail from another address, no signature: rejected.
        let rejected = await filter.endOfMessage(try Self.message(from: "alice@mail.test", mailFrom: "<alice@mail.test>", client: "192.0.2.66"))
        guard case .reject = rejected.verdict else { Issue.record("expected a reject, got \(rejected)"); return }
        // Null reverse-path (SPF on HELO mail.test fails), From an existing subdomain: sp=quarantine, held.
        let held = await filter.endOfMessage(try Self.message(from: "bob@sub.mail.test", mailFrom: "<>", client: "192.0.2.66"))
        #expect(held.quarantine != nil)
        // t=y lowers p=reject to quarantine; its own policy domain.
        let testing = await filter.endOfMessage(try Self.message(from: "carol@testing.mail.test", mailFrom: "<carol@testing.mail.test>", client: "192.0.2.66"))
        #expect(testing.quarantine != nil)

        let day = DMARCReportBuilder.day(containing: start)
        #expect(DMARCReportBuilder.day(containing: Date()).start == day.start, "the test ran across midnight UTC; run it again")
        let begin = Int64(start.timeIntervalSince1970) / 86_400 * 86_400
        #expect(try await store.dmarcPolicyDomains(from: day.start, to: day.end) == ["mail.test", "testing.mail.test"])
        let builder = DMARCReportBuilder(store: store, orgName: "Receiver", email: "dmarc@receiver.test", submitter: "mx.receiver.test")
        let built = try #require(try await builder.report(policyDomain: "mail.test", dayStart: day.start))
        let expected = """
            <?xml version="1.0" encoding="UTF-8"?>
            <feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">
              <version>1.0</version>
              <report_metadata>
                <org_name>Receiver</org_name>
                <email>dmarc@receiver.test</email>
                <report_id>\(begin).mail.test@mx.receiver.test</report_id>
                <date_range>
                  <begin>\(begin)</begin>
                  <end>\(begin + 86_399)</end>
                </date_range>
                <generator>Stockade \(StockadeApplication.version)</generator>
              </report_metadata>
              <policy_published>
                <domain>mail.test</domain>
                <discovery_method>treewalk</discovery_method>
                <p>reject</p>
                <sp>quarantine</sp>
                <np>reject</np>
                <fo>0</fo>
                <adkim>r</adkim>
                <aspf>r</aspf>
                <testing>n</testing>
              </policy_published>
              <record>
                <row>
                  <source_ip>192.0.2.10</source_ip>
                  <count>2</count>
                  <policy_evaluated>
                    <disposition>pass</disposition>
                    <dkim>pass</dkim>
                    <spf>pass</spf>
                  </policy_evaluated>
                </row>
                <identifiers>
                  <header_from>mail.test</header_from>
                  <envelope_from>mail.test</envelope_from>
                  <envelope_to>receiver.test</envelope_to>
                </identifiers>
                <auth_results>
                  <dkim>
                    <domain>mail.test</domain>
                    <selector>s1</selector>
                    <result>pass</result>
                  </dkim>
                  <spf>
                    <domain>mail.test</domain>
                    <scope>mfrom</scope>
                    <result>pass</result>
                  </spf>
                </auth_results>
              </record>
              <record>
                <row>
                  <source_ip>192.0.2.66</source_ip>
                  <count>1</count>
                  <policy_evaluated>
                    <disposition>reject</disposition>
                    <dkim>fail</dkim>
                    <spf>fail</spf>
                  </policy_evaluated>
                </row>
                <identifiers>
                  <header_from>mail.test</header_from>
                  <envelope_from>mail.test</envelope_from>
                  <envelope_to>receiver.test</envelope_to>
                </identifiers>
                <auth_results>
                  <spf>
                    <domain>mail.test</domain>
                    <scope>mfrom</scope>
                    <result>fail</result>
                  </spf>
                </auth_results>
              </record>
              <record>
                <row>
                  <source_ip>192.0.2.66</source_ip>
                  <count>1</count>
                  <policy_evaluated>
                    <disposition>quarantine</disposition>
                    <dkim>fail</dkim>
                    <spf>fail</spf>
                  </policy_evaluated>
                </row>
                <identifiers>
                  <header_from>sub.mail.test</header_from>
                  <envelope_from></envelope_from>
                  <envelope_to>receiver.test</envelope_to>
                </identifiers>
                <auth_results>
                  <spf>
                    <domain>mail.test</domain>
                    <result>fail</result>
                  </spf>
                </auth_results>
              </record>
            </feedback>

            """
        #expect(String(decoding: built.report.xml(), as: UTF8.self) == expected)
        let lowered = try #require(try await builder.report(policyDomain: "testing.mail.test", dayStart: day.start)).report
        #expect(lowered.policy.p == .reject && lowered.policy.testing == true)
        #expect(lowered.records.map(\.evaluated) == [.init(disposition: .quarantine, dkimAligned: false, spfAligned: false,
                                                           reasons: [.init(.policyTestMode)])])
        #expect(try await builder.report(policyDomain: "mail.test", dayStart: day.start.addingTimeInterval(86_400)) == nil)
    }
}
