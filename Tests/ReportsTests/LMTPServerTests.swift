import Foundation
import Logging
import NIOCore
import Store
import TestSupport
import Testing
import Synchronization
@testable import Reports

/// The LMTP listener over TCP, driven by swaks (`--protocol LMTP`), storing into SQLite with DKIM checked through the
/// lab's resolver.
@Suite("LMTP listener with swaks (lab)", .serialized)
struct LMTPServerTests {
    /// Runs a listener for example.test's report address until `body` returns; passes the bound port.
    static func withServer(store: SQLiteStore, limits: LMTPLimits = LMTPLimits(), _ body: (Int) async throws -> Void) async throws {
        let bound = Mutex<Int?>(nil)
        let server = LMTPServer(inbox: try Fixtures.inbox(store: store), host: "127.0.0.1", port: 0, hostname: "inbox.test",
                                recipients: ["TLSRPT@example.test"], limits: limits, logger: Logger(label: "test")) { address in
            bound.withLock { $0 = address.port }
        }
        let task = Task { try await server.run() }
        defer { task.cancel() }
        var port: Int?
        for _ in 0..<100 {
            port = bound.withLock { $0 }
            if port != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await body(try #require(port, "the listener did not bind"))
    }

    /// swaks delivering `mail` to `to`; its transcript.
    static func deliver(_ mail: [UInt8], to: [String], port: Int) throws -> (status: Int32, transcript: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-lmtp-\(UUID().uuidString).eml")
        try Data(mail).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try swaks(["--protocol", "LMTP", "--server", "127.0.0.1", "--port", "\(port)", "--helo", "postfix.test", "--timeout", "20",
                          "--from", "noreply-smtp-tls-reporting@google.com", "--to", to.joined(separator: ","), "--data", file.path])
    }

    @Test func deliversStoresAndAnswersPerRecipient() async throws {
        let store = try Fixtures.store()
        try await Self.withServer(store: store) { port in
            let first = try Self.deliver(Fixtures.tlsrpt("google-shaped-mail.eml"), to: ["tlsrpt@example.test", "nobody@example.test"], port: port)
            #expect(first.status == 0, "\(first.transcript)")
            #expect(first.transcript.contains("<** 550 5.1.1 No report inbox at this address"), "\(first.transcript)")
            #expect(first.transcript.contains("<-  250 2.0.0 Report stored"), "\(first.transcript)")
            let again = try Self.deliver(Fixtures.tlsrpt("google-shaped-mail.eml"), to: ["tlsrpt@example.test"], port: port)
            #expect(again.transcript.contains("<-  250 2.0.0 Report already stored"), "\(again.transcript)")
            let signed = try Self.deliver(Fixtures.signed(Fixtures.tlsrpt("microsoft-shaped-mail.eml")), to: ["tlsrpt@example.test"], port: port)
            #expect(signed.transcript.contains("<-  250 2.0.0 Report stored"), "\(signed.transcript)")
            let notAReport = try Self.deliver(Array("Subject: hi\r\n\r\nhello\r\n".utf8), to: ["tlsrpt@example.test"], port: port)
            #expect(notAReport.transcript.contains(
                "<** 550 5.6.0 the mail is neither a TLSRPT report (RFC 8460 ?5.3) nor a DMARC aggregate report (RFC 9990 ?5.2)"),
                "\(notAReport.transcript)")
        }
        let summary = try await store.tlsrptSummary(domain: "example.test", from: "2026-12-01", to: "2026-12-31")
        #expect(summary.reports.map { "\($0.organization)|\($0.dkim ?? "-")" } == ["Google Inc.|none", "Microsoft Corporation|pass"])
        #expect(summary.days == [.init(day: "2026-12-03", successful: 48, failed: 0), .init(day: "2026-12-04", successful: 12, failed: 0)])
    }

    @Test func tooLargeMessageIsRefused() async throws {
        let store = try Fixtures.store()
        try await Self.withServer(store: store, limits: LMTPLimits(maximumMessageSize: 1000)) { port in
            let result = try Self.deliver(Fixtures.tlsrpt("google-shaped-mail.eml"), to: ["tlsrpt@example.test"], port: port)
            #expect(result.transcript.contains("<** 552 5.3.4 Message size exceeds the limit of 1000 octets"), "\(result.transcript)")
        }
        #expect(try await store.reportCounts().isEmpty)
    }
}
