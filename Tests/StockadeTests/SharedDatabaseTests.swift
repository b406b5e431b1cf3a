import Foundation
import TestSupport
import Testing

/// Two `stockade serve` instances on one PostgreSQL database (issue 19), as behind a load balancer: what the admin API
/// of one changes, the other serves at once, its publication cache told by NOTIFY.
@Suite("Two server instances on one PostgreSQL database (lab)", .serialized)
struct SharedDatabaseTests {
    static let token = "shared-token-0123456789abcdef"

    /// The lab's database in a schema of its own, as `database` settings.
    static func databaseSettings() throws -> [String: Any] {
        let url = try labVariable("STOCKADE_LAB_POSTGRES_URL")
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return ["database": "\(url)?schema=\(schema)", "databasePasswordFile": try labVariable("STOCKADE_LAB_POSTGRES_PASSWORD_FILE")]
    }

    static func admin(_ server: ServerProcess, _ method: String, _ path: String, json: [String: String]? = nil,
                      body: [UInt8] = []) throws -> HTTPExchange {
        try server.admin(method, path, token: token, json: json, body: body)
    }

    @Test func aKeyPublishedThroughOneInstanceIsServedByTheOther() async throws {
        var settings = try Self.databaseSettings()
        settings["adminToken"] = Self.token
        settings["domains"] = [["name": "shared.test", "kind": "provider"]]
        let instances = try await InstancePair(settings)
        defer { instances.stop() }
        let (first, second) = (instances.first, instances.second)
        let home = try GnuPGHome()
        defer { home.close() }
        let fingerprint = try home.generateKey("Alice <alice@shared.test>")
        let hash = String(decoding: try runTool("gpg-wks-client", ["--print-wkd-hash", "alice@shared.test"]), as: UTF8.self)
            .split(separator: " ")[0].lowercased()
        let path = "/.well-known/openpgpkey/shared.test/hu/\(hash)?l=alice"

        #expect(try Self.admin(first, "POST", "/admin/v1/accounts", json: ["id": "alice", "primaryAddress": "alice@shared.test"]).status == 201)
        // the second instance now caches "no key is associated with the address"
        #expect(try second.request("GET", path, host: "openpgpkey.shared.test").status == 404)
        #expect(try Self.admin(first, "POST", "/admin/v1/accounts/alice/keys", body: home.export(fingerprint)).status == 201)
        #expect(try Self.admin(first, "PUT", "/admin/v1/addresses/alice@shared.test/key", json: ["fingerprint": fingerprint]).status == 200)
        let served = try await Self.firstSuccess { try second.request("GET", path, host: "openpgpkey.shared.test") }
        #expect(served.response.status == 200)
        #expect(try home.shownUserIDs(of: served.response.body) == ["Alice <alice@shared.test>"])
        #expect(served.attempts <= 20, "served only after \(served.attempts) attempts 10 ms apart")
        // the address belongs to alice in both instances: the alias rule holds across them
        let taken = try Self.admin(second, "POST", "/admin/v1/accounts", json: ["id": "mallory", "primaryAddress": "alice@shared.test"])
        #expect(taken.status == 409)
    }

    /// The key server's double opt-in across instances: the key is uploaded and the verification asked through
    /// instance 1, the mailed link confirmed through instance 2; both then serve the address by email (each had kept
    /// the 404 before), only that user ID, and the link is spent on both.
    @Test func anAddressVerifiedThroughOneInstanceIsFoundByEmailOnTheOther() async throws {
        var settings = try Self.databaseSettings()
        settings["keyServer"] = ["baseURL": "http://keys.example.test", "mailFrom": "keys@example.test"]
        settings["mail"] = try KeyServerWorld.labRelay()
        settings["resolver"] = try labVariable("STOCKADE_RESOLVER")
        let instances = try await InstancePair(settings)
        defer { instances.stop() }
        let (first, second) = (instances.first, instances.second)
        let home = try GnuPGHome()
        defer { home.close() }
        let fingerprint = try home.generateKey("Alice <alice@example.org>")
        try home.gpg(["--quick-add-uid", fingerprint, "Alice Work <alice@work.example>"])
        let world = KeyServerWorld(server: first, home: home, fingerprint: fingerprint, maildir: try labVariable("STOCKADE_LAB_SMTP_MAILDIR"))
        let byEmail = "/vks/v1/by-email/alice%40example.org"
        #expect(try first.request("GET", byEmail).status == 404)
        #expect(try second.request("GET", byEmail).status == 404)

        let started = Date()
        let requested = try world.uploadAndRequest("alice@example.org")
        #expect(requested["status"] as? [String: String] == ["alice@example.org": "pending", "alice@work.example": "unpublished"])
        let link = try await world.mailedLink("verify", to: "alice@example.org", after: started)
        #expect(try second.request("POST", link).status == 200)

        for server in [first, second] {
            let served = try await Self.firstSuccess { try server.request("GET", byEmail) }
            #expect(served.response.status == 200)
            #expect(try home.shownUserIDs(of: served.response.body) == ["Alice <alice@example.org>"])
            #expect(served.attempts <= 20, "served only after \(served.attempts) attempts 10 ms apart")
        }
        #expect(try first.request("GET", "/vks/v1/by-email/alice%40work.example").status == 404, "never asked for")
        #expect(try first.request("POST", link).status == 404, "the link was spent through the other instance")
    }

    /// The report inbox on the shared database: a TLS report uploaded to instance 1 is shown by instance 2's API; the
    /// same report uploaded to instance 2 (a sender retrying through another instance) is already stored.
    @Test func aReportReceivedByOneInstanceIsShownByTheOther() async throws {
        var settings = try Self.databaseSettings()
        settings["adminToken"] = ReportInboxServeTests.token
        settings["reportInbox"] = ["domains": ["example.test"], "lmtp": "127.0.0.1:\(freeLoopbackPort())", "addresses": ["tlsrpt@example.test"]]
        let first = try await ServerProcess(extra: settings)
        defer { first.stop(); first.removeData() }
        settings["reportInbox"] = ["domains": ["example.test"], "lmtp": "127.0.0.1:\(freeLoopbackPort())", "addresses": ["tlsrpt@example.test"]]
        let second = try await ServerProcess(extra: settings)
        defer { second.stop(); second.removeData() }
        let report = try ReportInboxServeTests.fixture("google-shaped.json")
        func upload(_ server: ServerProcess) throws -> HTTPExchange {
            try HTTPExchange.send(port: server.port, method: "POST", path: "/reports/tlsrpt",
                                  headers: ["Content-Type": "application/tlsrpt+json"], body: report)
        }
        #expect(try upload(first).text == #"{"result":"tlsrpt report stored"}"#)
        let shown = try ReportInboxServeTests.api(second, "/reports/api/example.test?from=2026-12-04&to=2026-12-04")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(shown.body)) as? [String: Any], "\(shown.text)")
        // google-shaped.json: Google Inc., 41 sessions succeeded and 2 failed on 2026-12-04
        #expect((summary["days"] as? [[String: Any]])?.map { "\($0["day"]!) \($0["successful"]!) \($0["failed"]!)" } == ["2026-12-04 41 2"])
        #expect((summary["reports"] as? [[String: Any]])?.map { "\($0["organization"]!)" } == ["Google Inc."])
        #expect(try upload(second).text == #"{"result":"tlsrpt report already stored"}"#)
    }

    /// Repeats `request` every 10 ms, up to 500 times, until it answers 200.
    static func firstSuccess(_ request: () throws -> HTTPExchange) async throws -> (response: HTTPExchange, attempts: Int) {
        var response = try request()
        var attempts = 1
        while response.status != 200, attempts < 500 {
            try await Task.sleep(for: .milliseconds(10))
            response = try request()
            attempts += 1
        }
        return (response, attempts)
    }
}

/// Two `stockade serve` instances with the same settings (one database), the first started (and migrated) first.
struct InstancePair {
    let first: ServerProcess
    let second: ServerProcess

    init(_ settings: [String: Any]) async throws {
        first = try await ServerProcess(extra: settings)
        do {
            second = try await ServerProcess(extra: settings)
        } catch {
            first.stop()
            first.removeData()
            throw error
        }
    }

    /// Stops both and removes their data directories.
    func stop() {
        for server in [first, second] {
            server.stop()
            server.removeData()
        }
    }
}
