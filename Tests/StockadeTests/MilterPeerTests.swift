import Foundation
import TestSupport
import Testing

/// The same messages through two Postfix 3.7 `smtpd` instances side by side: one with `stockade milter`, one with
/// the stack operators run today, OpenDKIM 2.11 + OpenDMARC 1.4.2 (Debian 12; ``OpenDKIMOpenDMARC``), both against the
/// lab's mail.test zones (lab/zones/mail.test.zone). Each case states both dispositions; where they differ, the case
/// names the section of RFC 9989 Stockade follows. OpenDMARC implements RFC 7489 with the public-suffix list.
@Suite("milter side by side with OpenDKIM + OpenDMARC (lab, Postfix)", .serialized)
struct MilterPeerTests {
    static let stockadeAddress = "127.0.12.28"
    static let peerAddress = "127.0.12.29"

    /// What Postfix did with a message.
    enum Disposition: Equatable, CustomStringConvertible {
        /// Relayed to the sink; `dmarc` is the `dmarc=` result of the checking milter's Authentication-Results.
        case delivered(dmarc: String)
        case held
        /// Refused at the end of DATA with this reply line.
        case refused(String)

        var description: String {
            switch self {
            case .delivered(let dmarc): "delivered (dmarc=\(dmarc))"
            case .held: "held"
            case .refused(let reply): "refused: \(reply)"
            }
        }
    }

    struct Case {
        let name: String
        let fromDomain: String
        var mailFrom: String?
        var client: String?
        var signed = false
        let stockade: Disposition
        let peer: Disposition
        /// Why the two differ: the section Stockade follows.
        var section: String?

    }

    static let reject = "550 5.7.1 DMARC policy of mail.test rejects this message: no aligned Authenticated Identifier; p=reject"
    static let peerReject = "550 5.7.1 rejected by DMARC policy for mail.test"

    /// Debian's public-suffix list has no `test` entry: OpenDMARC finds no policy above the Author Domain, where the
    /// tree walk finds mail.test's (`sp=quarantine; np=reject`).
    static let noTestSuffix = "RFC 9989 §4.10 (the DNS tree walk) and §4.7 (sp, np)"

    static let cases: [Case] = [
        Case(name: "DKIM aligned (s1), SPF fails from 127.0.0.1", fromDomain: "mail.test", signed: true,
             stockade: .delivered(dmarc: "pass"), peer: .delivered(dmarc: "pass")),
        Case(name: "SPF passes and aligns (XCLIENT 192.0.2.10), unsigned", fromDomain: "mail.test", client: "192.0.2.10",
             stockade: .delivered(dmarc: "pass"), peer: .delivered(dmarc: "pass")),
        Case(name: "p=reject, unsigned, SPF fails", fromDomain: "mail.test", client: "192.0.2.66",
             stockade: .refused(reject), peer: .refused(peerReject)),
        Case(name: "p=quarantine", fromDomain: "quarantine.mail.test", client: "192.0.2.66", stockade: .held, peer: .held),
        Case(name: "existing subdomain under sp=quarantine", fromDomain: "sub.mail.test", client: "192.0.2.66", stockade: .held,
             peer: .delivered(dmarc: "none"), section: noTestSuffix),
        Case(name: "p=reject; t=y lowered one step", fromDomain: "testing.mail.test", client: "192.0.2.66", stockade: .held,
             peer: .refused("550 5.7.1 rejected by DMARC policy for testing.mail.test"),
             section: "RFC 9989 §4.7 (t=y: apply the next lower policy); RFC 7489 has no t tag"),
        Case(name: "non-existent subdomain under np=reject", fromDomain: "nope.mail.test", client: "192.0.2.66",
             stockade: .refused("550 5.7.1 DMARC policy of nope.mail.test rejects this message: no aligned Authenticated Identifier; np=reject"),
             peer: .delivered(dmarc: "none"), section: noTestSuffix),
        Case(name: "SPF passes for bounces.mail.test (psd=n: its own Organizational Domain)", fromDomain: "mail.test",
             mailFrom: "alice@bounces.mail.test", client: "192.0.2.10",
             stockade: .refused(reject), peer: .delivered(dmarc: "pass"),
             section: "RFC 9989 §4.10.2: psd=n makes bounces.mail.test its own Organizational Domain, so SPF does not align"),
        Case(name: "the Author Domain's DMARC lookup fails (SERVFAIL)", fromDomain: "x.child.secure.test", client: "192.0.2.66",
             stockade: .refused("451 4.7.1 DMARC of x.child.secure.test cannot be checked now: _dmarc.x.child.secure.test TXT: SERVFAIL"),
             peer: .delivered(dmarc: "none"),
             section: "RFC 9989 §5.3.6: a DNS failure is temperror, neither pass nor fail; OpenDMARC treats it as no policy"),
    ]

    /// Every case through both, one Postfix each (starting the four daemons once per case would take a minute).
    @Test func sameMessagesThroughBoth() async throws {
        let stockade = try await MilterPostfixTests.Setup(address: Self.stockadeAddress)
        defer { stockade.stop() }
        let peers = try OpenDKIMOpenDMARC(authservID: MilterPostfixTests.authservID)
        try await peers.start()
        defer { peers.stop() }
        let peerPostfix = try PostfixMilterHost(address: Self.peerAddress, port: freeLoopbackPort(), milter: peers.milters,
                                                relay: try labSMTPSink(), settings: MilterPostfixTests.postfixSettings)
        try peerPostfix.start()
        defer { peerPostfix.stop() }

        for testCase in Self.cases {
            for (stack, postfix, expected) in [("Stockade", stockade.postfix, testCase.stockade),
                                               ("OpenDKIM + OpenDMARC", peerPostfix, testCase.peer)] {
                let token = UUID().uuidString
                var message = MilterPostfixTests.message(from: "alice@\(testCase.fromDomain)", subject: "side by side \(token)")
                if testCase.signed { message = try stockade.signed(message) }
                let file = stockade.folder.appendingPathComponent("\(token).eml").path
                try Data(message.utf8).write(to: URL(fileURLWithPath: file))
                let sent = try MilterPostfixTests.send(file: file, to: postfix, from: testCase.mailFrom ?? "alice@\(testCase.fromDomain)",
                                                       client: testCase.client)
                let disposition = try await Self.disposition(of: sent.transcript, token: token, in: postfix)
                #expect(disposition == expected, "\(testCase.name), \(stack) (\(testCase.section ?? "the same")): \(sent.transcript)\n\(postfix.log())")
            }
        }
    }

    /// The refusal in the transcript, or the queue file in the hold queue, or the delivered message at the sink.
    static func disposition(of transcript: String, token: String, in postfix: PostfixMilterHost) async throws -> Disposition? {
        if let refusal = transcript.split(separator: "\n").first(where: { $0.hasPrefix("<** 5") || $0.hasPrefix("<** 4") }) {
            return .refused(String(refusal.dropFirst(4)))
        }
        guard let id = MilterPostfixTests.queueID(transcript) else { return nil }
        for _ in 0..<MilterPostfixTests.pollSteps {
            if FileManager.default.fileExists(atPath: "\(postfix.directory.path)/queue/hold/\(id)") { return .held }
            if let delivered = try MilterPostfixTests.deliveredMessage(containing: token) {
                let field = delivered.components(separatedBy: "\r\n").first {
                    $0.hasPrefix("Authentication-Results: \(MilterPostfixTests.authservID);") && $0.contains("dmarc=")
                }
                let result = field?.components(separatedBy: "; dmarc=").last?.prefix { $0.isLetter }
                return .delivered(dmarc: result.map(String.init) ?? "absent")
            }
            try await Task.sleep(for: MilterPostfixTests.pollInterval)
        }
        return nil
    }
}
