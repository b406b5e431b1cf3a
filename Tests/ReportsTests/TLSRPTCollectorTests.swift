import Foundation
import Logging
import ServiceLifecycle
import Store
import TLSRPT
import TestSupport
import Testing
@testable import Reports
#if canImport(Glibc)
import Glibc
#endif

/// The libtlsrpt collector on a real unix datagram socket into a real SQLite store, the daily report built from it,
/// and sys4's tlsrpt-collectd (PyPI tlsrpt-reporter 0.6.0) on the same datagrams. The datagrams are the ones
/// recorded from libtlsrpt (see `Tests/TLSRPTTests/CollectorDatagramTests.swift` for their origin).
@Suite struct TLSRPTCollectorTests {
    /// 2026-12-05T12:00:00Z; its day starts at 1_796_428_800.
    static let noon = Date(timeIntervalSince1970: 1_796_472_000)
    static let day = Date(timeIntervalSince1970: 1_796_428_800)

    static func datagrams(filePath: String = #filePath) throws -> [[UInt8]] {
        let folder = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TLSRPTTests/Fixtures/collector")
        return try (1...11).map { Array(try Data(contentsOf: folder.appendingPathComponent("example-\($0 < 10 ? "0" : "")\($0).json"))) }
    }

    static func socketPath() -> String { "/tmp/stockade-tlsrpt-\(UUID().uuidString.prefix(8)).sock" }

    /// Sends each datagram from an unbound unix datagram socket, as libtlsrpt does.
    static func send(_ datagrams: [[UInt8]], to path: String) async throws {
        try await sendUnixDatagrams(datagrams, to: path)
    }

    /// Runs a collector on a fresh socket, sends `datagrams`, and returns its counts once all were handled.
    static func collect(_ datagrams: [[UInt8]], into store: SQLiteStore) async throws -> TLSRPTCollector.Counts {
        let path = socketPath()
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Void.self)
        let collector = TLSRPTCollector(path: path, recorder: TLSSessionRecorder(store: store), logger: Logger(label: "test"),
                                        now: { noon }, onBound: { boundContinuation.yield() })
        let group = ServiceGroup(services: [collector], gracefulShutdownSignals: [], logger: Logger(label: "test"))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { boundContinuation.finish() }
                try await group.run()
            }
            var isBound = false
            for await _ in bound {
                isBound = true
                break
            }
            guard isBound else {
                try await tasks.waitForAll()
                throw POSIXError(.EADDRNOTAVAIL)
            }
            do {
                try await send(datagrams, to: path)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while collector.current.stored + collector.current.refused + collector.current.failedToStore < datagrams.count,
                  ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            #expect(!FileManager.default.fileExists(atPath: path), "the socket file is removed on shutdown")
            return collector.current
        }
    }

    /// Each datagram's policies counted as sessions, per policy, with each failure detail counted; a malformed
    /// datagram and one past the size limit are refused and change nothing.
    @Test func datagramsAsLibtlsrptSendsThemAreStoredAsSessions() async throws {
        let store = try Fixtures.store()
        let malformed = Array(#"{"dpv": "1","d": "company-y.example","pr": "x","policies":[{"policy-type":9,"t":1,"f":1}]}"#.utf8)
        let huge = Array(repeating: UInt8(ascii: " "), count: CollectorDatagram.maximumSize + 1)
        let counts = try await Self.collect(try Self.datagrams() + [malformed, huge], into: store)
        #expect(counts == TLSRPTCollector.Counts(stored: 11, refused: 2, failedToStore: 0))
        #expect(try await store.tlsSessionDomains(day: Self.day) == ["company-y.example", "other.example"])
        let company = try await store.tlsSessionCounts(domain: "company-y.example", day: Self.day)
        #expect(company.map { [$0.sessions, $0.failedSessions] } == [[2, 1], [4, 2], [4, 3], [1, 0]])
        #expect(company.map { $0.failures.map(\.count) } == [[1], [2], [3, 3], []])
        #expect(try company.map { try Policy(storageText: $0.policy).kind } == [.noPolicyFound, .tlsa, .sts, .sts])
        let other = try await store.tlsSessionCounts(domain: "other.example", day: Self.day)
        #expect(other.map { [$0.sessions, $0.failedSessions, $0.failures.count] } == [[1, 1, 1], [1, 1, 1], [1, 0, 0]])
        #expect(try await store.tlsSessionDomains(day: Self.day.addingTimeInterval(86_400)) == [])
    }

    /// The report about other.example equals this hand-written JSON byte for byte (RFC 8460 §4.4's member order;
    /// escapes as RFC 8259 §7 requires).
    @Test func builtReportEqualsTheHandWrittenJSON() async throws {
        let store = try Fixtures.store()
        let recorder = TLSSessionRecorder(store: store)
        for datagram in try Self.datagrams() { try await recorder.record(try CollectorDatagram.parse(datagram), at: Self.noon) }
        let builder = TLSReportBuilder(store: store, organizationName: "Stockade Test", contactInfo: "mailto:tlsrpt@stockade.test",
                                       submitter: "mx.stockade.test")
        let report = try #require(try await builder.report(domain: "other.example", day: Self.day))
        let expected = #"{"organization-name":"Stockade Test","date-range":{"start-datetime":"2026-12-05T00:00:00Z","end-datetime":"2026-12-05T23:59:59Z"},"contact-info":"mailto:tlsrpt@stockade.test","report-id":"2026-12-05.other.example@mx.stockade.test","policies":[{"policy":{"policy-type":"no-policy-found","policy-string":[],"policy-domain":"other.example"},"summary":{"total-successful-session-count":0,"total-failure-session-count":1},"failure-details":[{"result-type":"starttls-not-supported","failed-session-count":1}]},{"policy":{"policy-type":"tlsa","policy-string":["3 1 1 AB\"quote\\back\tslash\u0001 é"],"policy-domain":"other.example"},"summary":{"total-successful-session-count":0,"total-failure-session-count":1},"failure-details":[{"result-type":"dane-required","sending-mta-ip":"2001:db8::1","receiving-mx-hostname":"mx.other.example","receiving-ip":"2001:db8::25","failed-session-count":1,"failure-reason-code":"454 4.7.5 \"no TLSA\""}]},{"policy":{"policy-type":"tlsa","policy-string":["3 1 1 0123456789ABCDEF"],"policy-domain":"other.example"},"summary":{"total-successful-session-count":1,"total-failure-session-count":0},"failure-details":[]}]}"#
        #expect(String(decoding: report.json(), as: UTF8.self) == expected)
        // company-y.example: member by member.
        let company = try #require(try await builder.report(domain: "company-y.example", day: Self.day))
        #expect(company.totalSuccessful == 5 && company.totalFailed == 6)
        let sts = company.policies[2]
        #expect(sts.policy == Policy(kind: .sts, strings: ["version: STSv1", "mode: testing", "mx: *.mail.company-y.example", "max_age: 86400"],
                                     domain: "company-y.example", mxHosts: ["*.mail.company-y.example", "*.mail2.company-y.example"]))
        #expect(sts.successfulSessionCount == 1 && sts.failedSessionCount == 3)
        #expect(sts.failureDetails == [
            FailureDetail(resultType: .stsPolicyInvalid, sendingMTAIP: "1.2.3.4", receivingMXHostname: "mailin.example.com",
                          receivingMXHelo: "test-ehlo.example.com", receivingIP: "11.22.33.44", failedSessionCount: 3,
                          additionalInformation: "This is additional information", failureReasonCode: "999 TEST ERROR"),
            FailureDetail(resultType: .stsWebPKIInvalid, sendingMTAIP: "1.2.3.5", receivingMXHostname: "mailin.example.com",
                          receivingMXHelo: "test-ehlo.example.com", receivingIP: "11.22.33.55", failedSessionCount: 3,
                          additionalInformation: "This is additional information", failureReasonCode: "999 TEST ERROR"),
        ])
        // What Stockade builds, Stockade's own parser reads back unchanged; the only deviations are the two fields
        // libtlsrpt let the MTA leave out (a STARTTLS failure with no address given).
        let parsed = try Report.parse(json: report.json())
        #expect(parsed.report == report)
        #expect(parsed.deviations.map(\.kind) == [.missingSendingMTAIP, .missingReceivingMXHostname])
        #expect(try await builder.report(domain: "nobody.example", day: Self.day) == nil)
    }

    /// tlsrpt-collectd and Stockade's collector, the same datagrams: the same sessions and failures per domain.
    @Test func tlsrptCollectdCountsTheSameTotalsPerDomain() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-collectd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let socket = Self.socketPath()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try locateTool("tlsrpt-collectd"))
        process.arguments = ["--storage", "sqlite://\(folder.path)/collectd.sqlite", "--socketname", socket, "--max_uncommited_datagrams", "1",
                             "--sockettimeout", "1", "--logfilename", folder.path + "/collectd.log", "--pidfilename", folder.path + "/collectd.pid"]
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let deadline = ContinuousClock.now + .seconds(20)
        while !FileManager.default.fileExists(atPath: socket), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try await Self.send(try Self.datagrams(), to: socket)
        try await Task.sleep(for: .seconds(2))
        process.terminate()
        // It commits after each datagram (--max_uncommited_datagrams 1); stopped by its PID, killed when it lingers.
        let exit = ContinuousClock.now + .seconds(5)
        while process.isRunning, ContinuousClock.now < exit { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        let theirs = String(decoding: try runTool("sqlite3", [folder.path + "/collectd.sqlite",
            "SELECT domain, SUM(cntrtotal), SUM(cntrfailure) FROM finalresults GROUP BY domain ORDER BY domain"]), as: UTF8.self)
        let store = try Fixtures.store()
        _ = try await Self.collect(try Self.datagrams(), into: store)
        var ours = ""
        for domain in try await store.tlsSessionDomains(day: Self.day) {
            let counts = try await store.tlsSessionCounts(domain: domain, day: Self.day)
            ours += "\(domain)|\(counts.reduce(0) { $0 + $1.sessions })|\(counts.reduce(0) { $0 + $1.failedSessions })\n"
        }
        #expect(theirs == "company-y.example|11|6\nother.example|3|2\n")
        #expect(ours == theirs)
        let theirFailures = String(decoding: try runTool("sqlite3", [folder.path + "/collectd.sqlite",
            "SELECT domain, SUM(cntr) FROM failures GROUP BY domain ORDER BY domain"]), as: UTF8.self)
        var ourFailures = ""
        for domain in ["company-y.example", "other.example"] {
            let counts = try await store.tlsSessionCounts(domain: domain, day: Self.day)
            ourFailures += "\(domain)|\(counts.flatMap(\.failures).reduce(0) { $0 + $1.count })\n"
        }
        #expect(theirFailures == "company-y.example|9\nother.example|2\n" && ourFailures == theirFailures)
    }

    /// The built report as mail (RFC 8460 §5.3: multipart/report; report-type=tlsrpt, application/tlsrpt+gzip), read
    /// back by Stockade's own mail parser as the same report.
    @Test func theMailFormReadsBackAsTheSameReport() async throws {
        let store = try Fixtures.store()
        let recorder = TLSSessionRecorder(store: store)
        for datagram in try Self.datagrams() { try await recorder.record(try CollectorDatagram.parse(datagram), at: Self.noon) }
        let builder = TLSReportBuilder(store: store, organizationName: "Stockade Test", contactInfo: "mailto:tlsrpt@stockade.test",
                                       submitter: "mx.stockade.test")
        let report = try #require(try await builder.report(domain: "company-y.example", day: Self.day))
        let mail = try report.mail(from: "tlsrpt@stockade.test", to: "reports@company-y.example", policyDomain: "company-y.example",
                                   submitter: "mx.stockade.test", date: Self.noon, messageID: report.reportID)
        let parsed = try Report.parse(mail)
        #expect(parsed.report == report && parsed.form == .mailGzip)
    }

    /// Two servers sharing the database: the report of a domain and day is taken once.
    @Test func aReportIsClaimedOnce() async throws {
        let store = try Fixtures.store()
        #expect(try await store.claimTLSReport(domain: "company-y.example", day: Self.day, at: Self.noon))
        #expect(try await !store.claimTLSReport(domain: "company-y.example", day: Self.day, at: Self.noon))
        #expect(try await store.claimTLSReport(domain: "other.example", day: Self.day, at: Self.noon))
    }
}
