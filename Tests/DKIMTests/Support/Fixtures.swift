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

/// The test keys and their key records as the lab zone `lab/zones/dkim.test.zone` publishes them.
enum TestKeys {
    /// The private key `Fixtures/keys/NAME.pem`.
    static func key(_ name: String) throws -> DKIMSigningKey {
        try DKIMSigningKey(pem: try Fixture.text("keys/\(name).pem"))
    }

    /// The TXT records of `SELECTOR._domainkey.dkim.test` in the lab zone, each with its strings joined.
    static func records(_ selector: String) throws -> [String] {
        let zone = try String(contentsOf: Fixture.directory.appendingPathComponent("../../../lab/zones/dkim.test.zone"), encoding: .utf8)
        return zone.split(separator: "\n").filter { $0.hasPrefix("\(selector)._domainkey ") }.map { line in
            line.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }
                .map { String($0.element) }.joined()
        }
    }

    /// A key fetcher serving every listed selector of dkim.test from the lab zone's text (no DNS).
    static func offline(_ selectors: [String]) throws -> TableKeyFetcher {
        var table: [String: KeyLookupResult] = [:]
        for selector in selectors {
            table["\(selector)._domainkey.dkim.test"] = .found(try records(selector).map { Array($0.utf8) })
        }
        return TableKeyFetcher(table)
    }
}

/// The message most tests sign: folded fields, white space to canonicalize, trailing empty lines.
let sampleMessage = """
    From: Joe SixPack <joe@dkim.test>
    To: Suzie Q <suzie@shopping.example.net>,
    \tSam <sam@example.net>
    Subject:  Is dinner   ready?\t
    Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)
    Message-ID: <20030712040037.46341.5F8J@dkim.test>

    Hi.  \t
    We lost the game.  Are you hungry yet?

    Joe.


    """

/// A message without the sample's odd spacing: one space after each colon, no trailing white space in fields.
let plainMessage = """
    From: Joe SixPack <joe@dkim.test>
    To: Suzie Q <suzie@shopping.example.net>
    Subject: Is dinner ready?
    Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)

    Hi.
    We lost the game.  Are you hungry yet?
    """
