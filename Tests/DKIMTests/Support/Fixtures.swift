import DKIM
import Foundation

/// Files under `Tests/DKIMTests/Fixtures`, found from this source file's path (the folder is not a resource).
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }
}

/// Key records from a table: `selector._domainkey.domain` → TXT records, or a failure.
struct TableKeyFetcher: DKIMKeyFetcher {
    var records: [String: KeyLookupResult]

    init(_ records: [String: KeyLookupResult]) { self.records = records }

    /// One TXT record per name.
    init(texts: [String: String]) {
        records = texts.mapValues { .found([Array($0.utf8)]) }
    }

    func keyRecords(selector: String, domain: String) async -> KeyLookupResult {
        records["\(selector)._domainkey.\(domain)"] ?? .notFound("no TXT record at \(selector)._domainkey.\(domain)")
    }
}

/// A message from text written with `\n` line ends (read as CRLF, as an MTA would).
func message(_ text: String) throws -> DKIMMessage {
    try DKIMMessage(parsing: Array(text.utf8))
}

/// The time RFC 8463's example was signed: t=1528637909.
let rfc8463Time = Date(timeIntervalSince1970: 1_528_637_909)
