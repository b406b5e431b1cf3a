import DKIM
import DMARC
import DNS
import Foundation
import Logging
@testable import StockadeServer
import Store
import TestSupport
import Testing
import TLSRPT

/// The daily job: one report per policy domain and day, the `rua` checked (RFC 9990 §4), the mail form of §3.1.2.8
/// (subject, attachment name, gzip, DKIM signature that verifies against the lab's key), size limits, the claim that
/// keeps a second run from sending again, and the results pruned once sent.
@Suite("DMARC aggregate report job (lab DNS)")
struct DMARCReportJobTests {
    static let day = Date(timeIntervalSince1970: 1_796_428_800)  // 2026-12-05T00:00:00Z
    static let record = "v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=s; aspf=r; fo=1:d:s; rua=mailto:agg@reject.dmarc.test,mailto:agg@example.net!10m; ruf=mailto:fail@reject.dmarc.test"

    static func result(at offset: TimeInterval, ip: String = "192.0.2.10", domain: String = "reject.dmarc.test",
                       record: String = record) -> DMARCResultRecord {
        DMARCResultRecord(receivedAt: day.addingTimeInterval(offset),
                          policy: DMARCPolicySnapshot(policyDomain: domain, organizationalDomain: domain, record: record, discoveryMethod: "treewalk"),
                          key: DMARCResultKey(sourceIP: ip, headerFrom: domain, envelopeFrom: domain, envelopeTo: "receiver.test", spfDomain: domain,
                                              spfScope: "mfrom", spfResult: "fail", signatures: [], dkimAligned: false, spfAligned: false,
                                              disposition: "reject"))
    }

    struct Setup {
        let store: SQLiteStore
        let path: String
        let keyFolder: URL
        let job: DMARCReportJob

        init(maxReportSize: Int? = nil) throws {
            path = temporaryDatabasePath()
            store = try SQLiteStore(path: path)
            keyFolder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-dmarc-key-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: keyFolder, withIntermediateDirectories: true)
            let key = try MilterPostfixTests.writeKey(in: keyFolder)
            let settings = DMARCReportSettings(orgName: "Receiver", submitter: "mx.receiver.test", from: "dmarc-reports@mail.test",
                                               signing: .init(domain: "mail.test", selector: "s1", key: key), maxReportSize: maxReportSize)
            let dns = ResolverDMARCDNS(resolver: Resolver(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")])))
            job = DMARCReportJob(results: store, outbox: store, builder: DMARCReportBuilder(store: store, settings: settings),
                                 authorization: ReportDestinationAuthorization(dns: dns), signer: try DMARCReportSetup.signer(settings, milter: nil),
                                 settings: settings, logger: Logger(label: "test"), now: { DMARCReportJobTests.day.addingTimeInterval(86_400 + 7200) })
        }

        func close() {
            removeDatabase(path)
            try? FileManager.default.removeItem(at: keyFolder)
        }
    }

    @Test("§3.1.2.8: one signed mail per confirmed destination, with the RFC's subject and attachment; results pruned; sent once")
    func sendsOnceAndPrunes() async throws {
        let setup = try Setup()
        defer { setup.close() }
        for offset in [10.0, 20, 86_399] { try await setup.store.recordDMARCResult(Self.result(at: offset)) }
        try await setup.store.recordDMARCResult(Self.result(at: 86_400 + 60))  // today: not reported yet
        let round = await setup.job.sendDue()
        // agg@reject.dmarc.test is in the policy domain; example.net cannot be checked (SERVFAIL in the lab): not used.
        #expect(round == .init(reports: 1, mails: 1, refusedDestinations: 1, tooLarge: 0, failures: 0))
        let queued = try await setup.store.dueMail(at: Self.day.addingTimeInterval(3 * 86_400), limit: 10)
        #expect(queued.count == 1)
        let mail = try #require(queued.first)
        #expect(mail.recipient == "agg@reject.dmarc.test")
        let reportID = "1796428800.reject.dmarc.test@mx.receiver.test"
        #expect(mail.subject == "Report Domain: reject.dmarc.test Submitter: mx.receiver.test Report-ID: <\(reportID)>")
        let bytes = try #require(PreparedMail.message(of: mail))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("DKIM-Signature:"))
        #expect(text.contains("\r\nSubject: Report Domain: reject.dmarc.test\r\n    Submitter: mx.receiver.test\r\n    Report-ID: <\(reportID)>\r\n"))
        let filename = "mx.receiver.test!reject.dmarc.test!1796428800!1796515199.xml.gz"
        #expect(text.contains("Content-Type: application/gzip; name=\"\(filename)\"\r\n"))
        #expect(text.contains("Content-Disposition: attachment; filename=\"\(filename)\"\r\n"))
        // The signature verifies against the lab's mail.test s1 key: the mail passes DMARC for mail.test.
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")]))
        let verdicts = await DKIMVerifier(resolver: resolver).verify(try DKIMMessage(parsing: bytes))
        #expect(verdicts.map(\.result) == [.pass])
        #expect(verdicts.first?.domain == "mail.test")
        // The attachment is the report: gunzip it and read it back.
        let base64 = try #require(text.components(separatedBy: "filename=\"\(filename)\"\r\n\r\n").last?.components(separatedBy: "--=_dmarc_report_boundary--").first)
        let gzip = try #require(Data(base64Encoded: base64, options: .ignoreUnknownCharacters))
        var inflater = BoundedInflater(limit: 1 << 20)
        let report = try AggregateReport(xml: try inflater.inflate(Array(gzip)))
        #expect(report.metadata.reportID == reportID)
        #expect(report.records.map(\.count) == [3])
        #expect(report.policy == .init(domain: "reject.dmarc.test", discoveryMethod: .treewalk, p: .reject, sp: .quarantine, np: .reject,
                                       fo: "1:d:s", adkim: .strict, aspf: .relaxed, testing: false))
        // The day's results are gone, today's stay; a second run sends nothing.
        #expect(try await setup.store.dmarcReportRows(policyDomain: "reject.dmarc.test", from: Self.day, to: Self.day.addingTimeInterval(86_400)).isEmpty)
        #expect(try await setup.store.dmarcReportRows(policyDomain: "reject.dmarc.test", from: Self.day.addingTimeInterval(86_400),
                                                      to: Self.day.addingTimeInterval(2 * 86_400)).map(\.count) == [1])
        try await setup.store.recordDMARCResult(Self.result(at: 30))
        #expect(await setup.job.sendDue() == .init())
    }

    @Test("the report mail larger than maxReportSize is not queued")
    func sizeLimit() async throws {
        let setup = try Setup(maxReportSize: 1024)
        defer { setup.close() }
        try await setup.store.recordDMARCResult(Self.result(at: 10))
        #expect(await setup.job.sendDue() == .init(reports: 1, mails: 0, refusedDestinations: 1, tooLarge: 1, failures: 0))
        #expect(try await setup.store.dueMail(at: Self.day.addingTimeInterval(3 * 86_400), limit: 10).isEmpty)
    }

    @Test("RFC 9990 §4 step 9 in the job: the consumer's override address receives the report")
    func externalOverride() async throws {
        let setup = try Setup()
        defer { setup.close() }
        try await setup.store.recordDMARCResult(Self.result(at: 10, domain: "extover.dmarc.test",
                                                            record: "v=DMARC1; p=none; rua=mailto:agg@reports.dmarc.test"))
        #expect(await setup.job.sendDue() == .init(reports: 1, mails: 1))
        #expect(try await setup.store.dueMail(at: Self.day.addingTimeInterval(3 * 86_400), limit: 10).map(\.recipient) == ["override@reports.dmarc.test"])
    }

    @Test("the send hour: today's when still ahead, else tomorrow's")
    func nextRun() throws {
        let setup = try Setup()
        defer { setup.close() }
        #expect(setup.job.nextRun(after: Self.day.addingTimeInterval(1800)) == Self.day.addingTimeInterval(3600))
        #expect(setup.job.nextRun(after: Self.day.addingTimeInterval(3600)) == Self.day.addingTimeInterval(86_400 + 3600))
    }
}
