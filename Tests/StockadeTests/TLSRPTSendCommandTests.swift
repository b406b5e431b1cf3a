import Foundation
import Reports
import Store
import TLSRPT
import TestSupport
import Testing

/// `stockade tlsrpt send` on its own, against the lab's DNS: `--domain` (normalized), each domain and day sent once,
/// a destination that cannot be reached counts as a failure and exits 1, a domain without a TLSRPT record is
/// counted and nothing is sent, and the arguments and configuration it refuses.
@Suite("stockade tlsrpt send (lab DNS)")
struct TLSRPTSendCommandTests {
    @Test func sendsEachDomainOnceAndExitsOneOnFailures() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-tlsrpt-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = try MilterPostfixTests.writeKey(in: folder)
        let config = folder.appendingPathComponent("config.json")
        let settings: [String: Any] = [
            "dataDirectory": folder.appendingPathComponent("data").path, "resolver": try labVariable("STOCKADE_RESOLVER"),
            "tlsrpt": ["orgName": "Stockade CLI Test", "submitter": "mx.mail.test", "contact": "mailto:postmaster@mail.test",
                       "from": "tlsrpt@mail.test", "signing": ["domain": "mail.test", "selector": "s1", "key": key]],
        ]
        try JSONSerialization.data(withJSONObject: settings).write(to: config)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("data"), withIntermediateDirectories: true)

        // 2026-12-05: the lab datagrams (self.tlsrpt.test, rua https; mail.self.tlsrpt.test, rua mailto) and one
        // successful session to none.tlsrpt.test, which has no _smtp._tls record (NXDOMAIN).
        let store = try SQLiteStore(path: folder.appendingPathComponent("data/stockade.sqlite").path)
        let recorder = TLSSessionRecorder(store: store)
        let none = Array(#"{"dpv": "1","d": "none.tlsrpt.test","pr": "","policies":[{"policy-type":9,"t":0,"f":0}]}"#.utf8)
        for datagram in try TLSRPTSendingEndToEndTests.datagrams() + [none] {
            try await recorder.record(try CollectorDatagram.parse(datagram), at: Date(timeIntervalSince1970: 1_796_472_000))
        }

        let one = try CLI.run(["tlsrpt", "send", "--config", config.path, "--date", "2026-12-05", "--domain", "MAIL.Self.tlsrpt.test."])
        #expect(one.output == #"{"reports":1,"posts":0,"mails":1,"noRecord":0,"failures":0}"# + "\n" && one.status == 0, "\(one.error)")
        // The rest: nothing listens on self.tlsrpt.test:443 (and no caFile trusts a certificate there): a failure.
        let rest = try CLI.run(["tlsrpt", "send", "--config", config.path, "--date", "2026-12-05"])
        #expect(rest.output == #"{"reports":2,"posts":0,"mails":0,"noRecord":1,"failures":1}"# + "\n", "\(rest.error)")
        #expect(rest.status == 1)
        #expect(rest.error.contains("a TLS report could not be posted"))
        let again = try CLI.run(["tlsrpt", "send", "--config", config.path, "--date", "2026-12-05"])
        #expect(again.output == #"{"reports":0,"posts":0,"mails":0,"noRecord":0,"failures":0}"# + "\n" && again.status == 0)

        let withoutConfig = try CLI.run(["tlsrpt", "send", "--date", "2026-12-05"])
        #expect(withoutConfig.status == 64 && withoutConfig.error.hasPrefix("Error: --config is required: the tlsrpt settings come from it\n"))
        let badDay = try CLI.run(["tlsrpt", "send", "--config", config.path, "--date", "2026-02-30"])
        #expect(badDay.status == 64 && badDay.error.hasPrefix("Error: --date must be YYYY-MM-DD, got 2026-02-30\n"))
        let plain = folder.appendingPathComponent("plain.json")
        try Data(#"{"dataDirectory": "\#(folder.path)/data"}"#.utf8).write(to: plain)
        let noSection = try CLI.run(["tlsrpt", "send", "--config", plain.path, "--date", "2026-12-05"])
        #expect(noSection.status == 1 && noSection.error == "Error: the configuration has no tlsrpt section\n" && noSection.output.isEmpty)
    }
}
