import DKIM
import Foundation
import Reports
@testable import StockadeServer
import Store
import TLSRPT
import TestSupport
import Testing

/// parsedmarc 11.1.0 (PyPI) reads the TLS reports Stockade sends, in both forms: the gzip report of an `https:` POST
/// (RFC 8460 §5.3.2) and the whole DKIM-signed multipart/report mail of a `mailto:` destination (§5.3.1), built from
/// the libtlsrpt datagrams recorded in `Tests/TLSRPTTests/Fixtures/collector` (origin in
/// `Tests/TLSRPTTests/CollectorDatagramTests.swift`).
///
/// Where parsedmarc and RFC 8460 disagree, Stockade follows the RFC:
/// - the MX patterns of an `sts` policy: the JSON schema of RFC 8460 §4.4 (and the example of Appendix B) names the
///   member `mx-host`, an array of `mx-host-pattern` values; parsedmarc 11.1.0 reads only a member called
///   `mx-host-pattern`, so for Stockade's reports (and any report that follows the RFC) it gives no
///   `mx_host_patterns`. The assertions below show that loss.
///
/// Differences of naming only: `additional-information` (§4.4) comes back as `additional_info_uri`, the same value;
/// an empty `policy-string` (Stockade always writes the member, empty for `no-policy-found`) is left out.
@Suite("parsedmarc reads Stockade's TLS reports")
struct TLSRPTParsedmarcTests {
    /// 2026-12-05T12:00:00Z.
    static let noon = Date(timeIntervalSince1970: 1_796_472_000)

    static func datagrams(filePath: String = #filePath) throws -> [[UInt8]] {
        let folder = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TLSRPTTests/Fixtures/collector")
        return try (1...11).map { Array(try Data(contentsOf: folder.appendingPathComponent(String(format: "example-%02d.json", $0)))) }
    }

    /// Each file through `parsedmarc.parse_report_file` (offline), one line each: the report type, then the parsed
    /// report as JSON with sorted keys.
    static func parsedmarc(_ files: [String]) throws -> [String] {
        let script = """
            import json, sys
            import parsedmarc
            for path in sys.argv[1:]:
                result = parsedmarc.parse_report_file(path, offline=True)
                print(result["report_type"], json.dumps(result["report"], sort_keys=True, ensure_ascii=False, separators=(",", ":")))
            """
        let output = String(decoding: try runTool("python3", ["-c", script] + files), as: UTF8.self)
        return output.split(separator: "\n").map(String.init)
    }

    @Test func parsedmarcReadsTheGzipReportAndTheWholeMail() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let store = try SQLiteStore(path: path)
        let recorder = TLSSessionRecorder(store: store)
        for datagram in try Self.datagrams() { try await recorder.record(try CollectorDatagram.parse(datagram), at: Self.noon) }
        let settings = TLSRPTSettings(orgName: "Stockade Test", submitter: "mx.stockade.test", contact: "mailto:tlsrpt@stockade.test",
                                      from: "tlsrpt@mail.test")
        let builder = TLSReportBuilder(store: store, organizationName: settings.orgName, contactInfo: settings.contact, submitter: settings.submitter)
        let signer = DKIMSigner(domain: "mail.test", selector: "s1", key: try DMARCReportEndToEndTests.labKey())
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-parsedmarc-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [String] = []
        for domain in ["company-y.example", "other.example"] {
            let report = try #require(try await builder.report(domain: domain, day: Date(timeIntervalSince1970: 1_796_428_800)))
            let gzip = folder.appendingPathComponent("\(domain).json.gz")
            try Data(try report.gzip()).write(to: gzip)
            let record = try TLSRPTReportMail.record(report, policyDomain: domain, recipient: "tlsrpt@\(domain)", settings: settings,
                                                     signer: signer, at: Self.noon)
            let mail = folder.appendingPathComponent("\(domain).eml")
            try Data(try #require(PreparedMail.message(of: record))).write(to: mail)
            files += [gzip.path, mail.path]
        }
        let lines = try Self.parsedmarc(files)
        let header = #""begin_date":"2026-12-05T00:00:00Z","contact_info":"mailto:tlsrpt@stockade.test","end_date":"2026-12-05T23:59:59Z","#
            + #""organization_name":"Stockade Test","#
        let information = #""additional_info_uri":"This is additional information","#
        let company: String = [
            #"smtp_tls {"#, header,
            #""policies":[{"failed_session_count":1,"failure_details":[{"additional_info_uri":"Something unexpected happened","#,
            #""failed_session_count":1,"failure_reason_code":"http://www.google.com/","receiving_ip":"11.22.33.55","result_type":"validation-failure","#,
            #""sending_mta_ip":"192.168.25.25"}],"policy_domain":"company-y.example","policy_type":"no-policy-found","successful_session_count":1},"#,
            #"{"failed_session_count":2,"failure_details":[{"#, information,
            #""failed_session_count":2,"failure_reason_code":"999 TEST ERROR","receiving_ip":"11.22.33.55","receiving_mx_helo":"tes-ehlo.example.com","#,
            #""receiving_mx_hostname":"mailin.example.com","result_type":"certificate-expired","sending_mta_ip":"1.2.3.4"}],"#,
            #""policy_domain":"company-y.example","policy_strings":["3 0 1 1F850A337E6DB9C609C522D136A475638CC43E1ED424F8EEC8513D747D1D085D","#,
            #""3 0 1 12350A337E6DB9C6123522D136A475638CC43E1ED424F8EEC8513D747D1D1234"],"policy_type":"tlsa","successful_session_count":2},"#,
            #"{"failed_session_count":3,"failure_details":[{"#, information,
            #""failed_session_count":3,"failure_reason_code":"999 TEST ERROR","receiving_ip":"11.22.33.44","receiving_mx_helo":"test-ehlo.example.com","#,
            #""receiving_mx_hostname":"mailin.example.com","result_type":"sts-policy-invalid","sending_mta_ip":"1.2.3.4"},{"#, information,
            #""failed_session_count":3,"failure_reason_code":"999 TEST ERROR","receiving_ip":"11.22.33.55","receiving_mx_helo":"test-ehlo.example.com","#,
            #""receiving_mx_hostname":"mailin.example.com","result_type":"sts-webpki-invalid","sending_mta_ip":"1.2.3.5"}],"#,
            #""policy_domain":"company-y.example","policy_strings":["version: STSv1","mode: testing","mx: *.mail.company-y.example","max_age: 86400"],"#,
            #""policy_type":"sts","successful_session_count":1},"#,
            #"{"failed_session_count":0,"failure_details":[],"policy_domain":"company-y.example","#,
            #""policy_strings":["version: STSv1","mode: testing and will contain  no failures","mx: *.mail.company-y.example","max_age: 86400"],"#,
            #""policy_type":"sts","successful_session_count":1}],"report_id":"2026-12-05.company-y.example@mx.stockade.test"}"#,
        ].joined()
        let other: String = [
            #"smtp_tls {"#, header,
            #""policies":[{"failed_session_count":1,"failure_details":[{"failed_session_count":1,"result_type":"starttls-not-supported"}],"#,
            #""policy_domain":"other.example","policy_type":"no-policy-found","successful_session_count":0},"#,
            #"{"failed_session_count":1,"failure_details":[{"failed_session_count":1,"failure_reason_code":"454 4.7.5 \"no TLSA\"","#,
            #""receiving_ip":"2001:db8::25","receiving_mx_hostname":"mx.other.example","result_type":"dane-required","sending_mta_ip":"2001:db8::1"}],"#,
            #""policy_domain":"other.example","policy_strings":["3 1 1 AB\"quote\\back\tslash\u0001 é"],"policy_type":"tlsa","successful_session_count":0},"#,
            #"{"failed_session_count":0,"failure_details":[],"policy_domain":"other.example","policy_strings":["3 1 1 0123456789ABCDEF"],"#,
            #""policy_type":"tlsa","successful_session_count":1}],"report_id":"2026-12-05.other.example@mx.stockade.test"}"#,
        ].joined()
        // The gzip report and the mail of each domain read back the same.
        #expect(lines.count == 4)
        #expect(lines.first == company)
        #expect(lines.dropFirst().first == company)
        #expect(lines.dropFirst(2).first == other)
        #expect(lines.dropFirst(3).first == other)
    }
}
