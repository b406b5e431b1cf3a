import Foundation
import TestSupport
import Testing

/// Issue 13, item 6: refusals are clear sentences; no decoder or library type names, no storage error text, and a
/// malformed or repeated form field is a 400, not an empty 500.
@Suite(.serialized) struct ErrorHygieneTests {
    static let internals = ["DecodingError", "OpenPGPError", "StoreError", "SQLite", "GRDB", "does not parse"]

    func expectClean(_ response: HTTPExchange, _ status: Int, _ error: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, sourceLocation: sourceLocation)
        let body = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String]
        #expect(body == ["error": error], sourceLocation: sourceLocation)
        for word in Self.internals { #expect(!response.text.contains(word), "\(word) leaked", sourceLocation: sourceLocation) }
    }

    @Test func malformedRequestsAreClearRefusals() async throws {
        let world = try await KeyServerWorld.start(limits: ["requestsPerMinutePerClient": 1000])
        defer { world.close() }
        let form = ["Content-Type": "application/x-www-form-urlencoded"]
        expectClean(try world.server.request("POST", "/pks/add", headers: form, body: Array("keytext=a&keytext=b".utf8)), 400,
                    "the keytext field is given 2 times")
        expectClean(try world.server.request("POST", "/pks/add", headers: form, body: Array("keytext=%zz".utf8)), 400,
                    "malformed form encoding: a % must start a UTF-8 escape such as %40")
        expectClean(try world.server.request("POST", "/pks/add", headers: form, body: Array("other=1".utf8)), 400, "no keytext field")
        expectClean(try world.server.request("POST", "/pks/add", headers: form, body: Array("keytext=garbage".utf8)), 400,
                    "not an OpenPGP public key: packet header bit 7 is not set")
        let json = ["Content-Type": "application/json"]
        expectClean(try world.server.request("POST", "/vks/v1/upload", headers: json, body: Array(#"{"keytxt": "x"}"#.utf8)), 400,
                    #"the body must be a JSON object {"keytext": "<armored key>"}"#)
        expectClean(try world.server.request("POST", "/vks/v1/request-verify", headers: json, body: Array("[1,2".utf8)), 400,
                    #"the body must be a JSON object {"token": "<upload token>", "addresses": ["<address>", …]}"#)
    }

    /// A stored key that no longer parses is a storage failure: the client gets 503 and a fixed sentence.
    @Test func storageFailuresAreNotEchoed() async throws {
        let world = try await KeyServerWorld.start(limits: ["requestsPerMinutePerClient": 1000])
        defer { world.close() }
        _ = try world.uploadAndRequest("alice@example.org")
        let database = world.server.dataDirectory.appendingPathComponent("stockade.sqlite").path
        _ = try runTool("python3", ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1]); db.execute("UPDATE vks_key SET bytes = x'c6'"); db.commit()
            """, database])
        expectClean(try world.server.request("GET", "/pks/lookup?op=index&options=mr&search=0x\(world.fingerprint)"), 503,
                    "the key server is temporarily unavailable; try again later")
    }
}
