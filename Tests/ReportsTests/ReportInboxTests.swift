import DKIM
import Foundation
import Store
import TLSRPT
import Testing
@testable import Reports

/// The inbox against a real SQLite store and the lab's resolver (for DKIM keys).
@Suite struct ReportInboxTests {
    /// Google-, Microsoft-shaped and RFC 8460 reports by mail and upload; sums per day, result type, MTA and MX.
    @Test func storesAndSummarizes() async throws {
        let store = try Fixtures.store()
        let inbox = try Fixtures.inbox(store: store)
        #expect(try await inbox.receive(mail: Fixtures.tlsrpt("google-shaped-mail.eml")) == InboxOutcome(kind: .tlsrpt, result: .stored(dkim: "none")))
        #expect(try await inbox.receive(mail: Fixtures.tlsrpt("microsoft-shaped-mail.eml")) == InboxOutcome(kind: .tlsrpt, result: .stored(dkim: "none")))
        #expect(try await inbox.receive(upload: Fixtures.tlsrpt("google-shaped.json"), contentType: "application/tlsrpt+json")
                == InboxOutcome(kind: .tlsrpt, result: .stored(dkim: nil)))
        let summary = try await store.tlsrptSummary(domain: "example.test", from: "2026-12-01", to: "2026-12-31")
        #expect(summary.days == [.init(day: "2026-12-03", successful: 48, failed: 0), .init(day: "2026-12-04", successful: 53, failed: 2)])
        #expect(summary.resultTypes == [.init(value: "validation-failure", sessions: 2)])
        #expect(summary.sendingMTAs == [.init(value: "192.0.2.201", sessions: 2)])
        #expect(summary.receivingMXs == [.init(value: "mx1.example.test", sessions: 2)])
        #expect(summary.policies.map { "\($0.organization)|\($0.type)|\($0.successful)|\($0.failed)|\($0.strings.count)" } == [
            "Google Inc.|no-policy-found|48|0|0", "Google Inc.|sts|41|2|4", "Microsoft Corporation|sts|6|0|4", "Microsoft Corporation|tlsa|6|0|1",
        ])
        #expect(summary.reports.map { "\($0.reportID)|\($0.channel)|\($0.dkim ?? "-")|\($0.successful)|\($0.failed)" } == [
            "2026-12-03T00:00:00Z_example.test|mail|none|48|0", "134093952000000000+example.test|mail|none|12|0",
            "2026-12-04T00:00:00Z_example.test|https|-|41|2",
        ])
        let empty = try await store.tlsrptSummary(domain: "example.test", from: "2026-12-05", to: "2026-12-31")
        #expect(empty.days.isEmpty && empty.reports.isEmpty)
        #expect(try await store.reportCounts() == ["example.test": ["tlsrpt": 3]])
        // Drill-down: the raw report as it came, only under its own domain.
        let first = try #require(summary.reports.first)
        let raw = try #require(try await store.storedReport(id: first.id, domain: "example.test"))
        #expect(raw.raw == (try Fixtures.tlsrpt("google-shaped-mail.eml")) && raw.rawFormat == "mail")
        #expect(try await store.storedReport(id: first.id, domain: "other.test") == nil)
    }

    /// Deduplicated by report-id per organization: the second copy changes nothing.
    @Test func duplicatesCountOnce() async throws {
        let store = try Fixtures.store()
        let inbox = try Fixtures.inbox(store: store)
        let json = try Fixtures.tlsrpt("google-shaped.json")
        #expect(try await inbox.receive(upload: json, contentType: "application/tlsrpt+json").result == .stored(dkim: nil))
        #expect(try await inbox.receive(upload: json, contentType: "application/tlsrpt+json").result == .duplicate)
        let gzip = try Report.parse(json: json).report.gzip()
        #expect(try await inbox.receive(upload: gzip, contentType: "Application/TLSRPT+gzip; x=y").result == .duplicate)
        let summary = try await store.tlsrptSummary(domain: "example.test", from: "2026-12-04", to: "2026-12-04")
        #expect(summary.days == [.init(day: "2026-12-04", successful: 41, failed: 2)])
        #expect(summary.reports.count == 1)
    }

    /// RFC 8460 §3: a mailed report's DKIM result is kept — pass for mail.test's s1 signature (lab DNS), fail once the
    /// signed mail is altered, none without a signature.
    @Test func dkimResultIsStored() async throws {
        let store = try Fixtures.store()
        let inbox = try Fixtures.inbox(store: store)
        let signed = try Fixtures.signed(Fixtures.tlsrpt("microsoft-shaped-mail.eml"))
        #expect(try await inbox.receive(mail: signed).result == .stored(dkim: "pass"))
        let report = try #require(try await store.tlsrptSummary(domain: "example.test", from: "2026-12-04", to: "2026-12-04").reports.first)
        #expect(report.dkim == "pass")

        // The signed Subject altered after signing: "Report Domain" becomes "Report domain".
        let signedGoogle = String(decoding: try Fixtures.signed(Fixtures.tlsrpt("google-shaped-mail.eml")), as: UTF8.self)
        let tampered = Array(signedGoogle.replacingOccurrences(of: "Subject: Report Domain", with: "Subject: Report domain").utf8)
        #expect(tampered != Array(signedGoogle.utf8))
        #expect(try await inbox.receive(mail: tampered).result == .stored(dkim: "fail"))
    }

    @Test func refusals() async throws {
        let store = try Fixtures.store()
        let inbox = try Fixtures.inbox(store: store)
        func refusal(_ outcome: InboxOutcome) -> String {
            guard case .rejected(let refusal) = outcome.result else { return "not refused: \(outcome)" }
            return "\(refusal.reason) \(refusal.text)"
        }
        #expect(refusal(try await inbox.receive(upload: Fixtures.tlsrpt("rfc8460-example.json"), contentType: "application/tlsrpt+json"))
                == "notOurDomain the report is about no domain this inbox accepts reports for")
        #expect(refusal(try await inbox.receive(upload: Array("{}".utf8), contentType: "application/json"))
                == "unsupportedMediaType the Content-Type must be application/tlsrpt+gzip or application/tlsrpt+json (RFC 8460 §5.3)")
        #expect(refusal(try await inbox.receive(upload: Array("{\"a\":1,\"a\":2}".utf8), contentType: "application/tlsrpt+json"))
                == "malformed duplicate member \"a\" at offset 7 (RFC 7493 §2.3)")
        #expect(refusal(try await inbox.receive(mail: Array("Subject: hi\r\n\r\nhello\r\n".utf8)))
                == "malformed the mail is neither a TLSRPT report (RFC 8460 §5.3) nor a DMARC aggregate report (RFC 9990 §5.2)")
        let started = ContinuousClock.now
        #expect(refusal(try await inbox.receive(upload: Fixtures.gzipBomb(), contentType: "application/tlsrpt+gzip"))
                == "tooLarge the gzip stream inflates to more than 16777216 octets")
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(try await store.reportCounts().isEmpty)
    }
}
