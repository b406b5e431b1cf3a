import Foundation
import Logging
@testable import StockadeServer
import Store
import TestSupport
import Testing

/// `dmarcReports` in the configuration: the values it refuses, the DKIM key it needs (RFC 9990 §3.1.2.8: report mail
/// must pass DMARC), the outbox it adds, and prepared messages written by the mail sink exactly as queued.
@Suite("dmarcReports settings and the prepared outbox message")
struct DMARCReportSetupTests {
    static func build(_ json: String, mail: Bool = true, keyServer: Bool = false) throws -> Int {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let store = try SQLiteStore(path: path)
        let settings = try JSONDecoder().decode(DMARCReportSettings.self, from: Data(json.utf8))
        let sink = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-dmarc-sink-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: sink) }
        let configuration = ServerConfiguration(mail: mail ? try JSONDecoder().decode(MailSettings.self, from: Data(#"{"sink": "\#(sink)"}"#.utf8)) : nil)
        return try DMARCReportSetup.build(settings, configuration: configuration, results: store, store: store, outboxRunning: keyServer,
                                          logger: Logger(label: "test")).services.count
    }

    @Test func settingsAreChecked() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-dmarc-setup-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = try MilterPostfixTests.writeKey(in: folder)
        let good = #"{"orgName": "Receiver", "submitter": "mx.mail.test", "from": "dmarc@mail.test", "signing": {"domain": "mail.test", "selector": "s1", "key": "\#(key)"}"#
        #expect(try Self.build(good + "}") == 2)  // the job and an outbox
        #expect(try Self.build(good + "}", keyServer: true) == 1)  // the key server's outbox sends the reports too
        for bad in [", \"sendHour\": 24}", ", \"maxReportSize\": 100}", ", \"keepDays\": 0}"] {
            #expect(throws: ConfigurationError.self) { try Self.build(good + bad) }
        }
        #expect(throws: ConfigurationError.self) { try Self.build(good + "}", mail: false) }
        // No key for the From domain, or a key of another domain.
        #expect(throws: ConfigurationError.self) {
            try Self.build(#"{"orgName": "R", "submitter": "mx.mail.test", "from": "dmarc@mail.test"}"#)
        }
        #expect(throws: ConfigurationError.self) {
            try Self.build(#"{"orgName": "R", "submitter": "mx", "from": "dmarc@other.test", "signing": {"domain": "mail.test", "selector": "s1", "key": "\#(key)"}}"#)
        }
    }

    @Test func theSinkWritesAPreparedMessageAsQueued() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-dmarc-sink-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sink = try MailSink(folder: folder.path, from: "dmarc@mail.test")
        let message = Array("DKIM-Signature: v=1\r\nFrom: <dmarc@mail.test>\r\nSubject: Report Domain: a.test Submitter: b.test\r\n\r\nbody\r\n".utf8)
        var record = PreparedMail.record(recipient: "agg@a.test", subject: "Report Domain: a.test Submitter: b.test", message: message,
                                         createdAt: Date(timeIntervalSince1970: 1_796_428_800))
        record.id = 7
        try await sink.send(record)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter(MailSink.isMessageName)
        #expect(files.count == 1)
        #expect(Array(try Data(contentsOf: folder.appendingPathComponent(files[0]))) == message)
        // A key server mail (no marker) is not a prepared message.
        #expect(PreparedMail.message(of: OutgoingMailRecord(recipient: "a@b.test", subject: "s", body: "Hello", createdAt: Date(), nextAttemptAt: Date())) == nil)
    }
}
