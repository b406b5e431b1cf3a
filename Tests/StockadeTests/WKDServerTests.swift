import Foundation
import TestSupport
import Testing

/// The WKD routes and the admin API of a real `stockade serve` process, driven over HTTP, with keys made by GnuPG.
@Suite("WKD server and admin API")
struct WKDServerTests {
    static let token = "test-token-0123456789abcdef"

    /// A server with provider.test (provider) and hosted.test (hosted), Alice on both, her key published.
    struct World {
        let server: ServerProcess
        let home: GnuPGHome
        let fingerprint: String

        func admin(_ method: String, _ path: String, json: String? = nil, body: [UInt8] = [], token: String = WKDServerTests.token) throws -> HTTPExchange {
            var headers = ["Authorization": "Bearer \(token)"]
            if json != nil { headers["Content-Type"] = "application/json" }
            return try server.request(method, path, headers: headers, body: json.map { Array($0.utf8) } ?? body)
        }

        func close() {
            server.stop()
            server.removeData()
            home.close()
        }
    }

    static func hash(_ address: String) throws -> String {
        String(decoding: try runTool("gpg-wks-client", ["--print-wkd-hash", address]), as: UTF8.self).split(separator: " ")[0].lowercased()
    }

    func world() async throws -> World {
        let home = try GnuPGHome()
        let fingerprint = try home.generateKey("Alice <alice@provider.test>")
        try home.gpg(["--quick-add-uid", fingerprint, "Alice at Hosted <Alice@hosted.test>"])
        try home.gpg(["--quick-add-uid", fingerprint, "Alice Private <alice@private.example>"])
        let server = try await ServerProcess(extra: [
            "adminToken": Self.token,
            "domains": [["name": "provider.test", "kind": "provider"], ["name": "hosted.test", "kind": "hosted"]],
        ])
        let world = World(server: server, home: home, fingerprint: fingerprint)
        #expect(try world.admin("POST", "/admin/v1/accounts", json: #"{"id": "alice", "primaryAddress": "alice@provider.test"}"#).status == 201)
        #expect(try world.admin("POST", "/admin/v1/accounts/alice/aliases", json: #"{"address": "Alice@hosted.test"}"#).status == 201)
        #expect(try world.admin("POST", "/admin/v1/accounts/alice/keys", body: try home.export(fingerprint)).status == 201)
        for address in ["alice@provider.test", "Alice@hosted.test"] {
            let response = try world.admin("PUT", "/admin/v1/addresses/\(address)/key", json: #"{"fingerprint": "\#(fingerprint)"}"#)
            #expect(response.status == 200, "\(response.text)")
        }
        return world
    }

    @Test func advancedFormServesTheMinimizedKey() async throws {
        let world = try await world()
        defer { world.close() }
        let hash = try Self.hash("alice@provider.test")
        let response = try world.server.request("GET", "/.well-known/openpgpkey/provider.test/hu/\(hash)?l=alice", host: "openpgpkey.provider.test")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/octet-stream")
        #expect(response.headers["access-control-allow-origin"] == "*")
        #expect(response.headers["content-length"] == "\(response.body.count)")
        #expect(response.headers["transfer-encoding"] == nil)
        #expect(try world.home.shownUserIDs(of: response.body) == ["Alice <alice@provider.test>"])
        let head = try world.server.request("HEAD", "/.well-known/openpgpkey/provider.test/hu/\(hash)", host: "openpgpkey.provider.test")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
    }

    @Test func directFormServesTheHostedDomain() async throws {
        let world = try await world()
        defer { world.close() }
        let hash = try Self.hash("Alice@hosted.test")
        let response = try world.server.request("GET", "/.well-known/openpgpkey/hu/\(hash)?l=Alice", host: "hosted.test:443")
        #expect(response.status == 200)
        #expect(try world.home.shownUserIDs(of: response.body) == ["Alice at Hosted <Alice@hosted.test>"])
    }

    @Test func everythingElseIs404() async throws {
        let world = try await world()
        defer { world.close() }
        let hash = try Self.hash("alice@provider.test")
        let cases: [(String, String)] = [
            ("/.well-known/openpgpkey/provider.test/hu/\(hash)", "provider.test"),  // advanced path on the bare domain
            ("/.well-known/openpgpkey/provider.test/hu/\(hash)", "openpgpkey.hosted.test"),  // host of another domain
            ("/.well-known/openpgpkey/provider.test/hu/\(try Self.hash("nobody@provider.test"))", "openpgpkey.provider.test"),
            ("/.well-known/openpgpkey/private.example/hu/\(try Self.hash("alice@private.example"))", "openpgpkey.private.example"),
            ("/.well-known/openpgpkey/provider.test/hu/", "openpgpkey.provider.test"),  // no listing
            ("/.well-known/openpgpkey/provider.test/hu/not-a-hash", "openpgpkey.provider.test"),
            ("/.well-known/openpgpkey/policy", "private.example"),
        ]
        for (path, host) in cases {
            #expect(try world.server.request("GET", path, host: host).status == 404, "\(host)\(path)")
        }
    }

    @Test func policyFileForServedDomainsInBothForms() async throws {
        let world = try await world()
        defer { world.close() }
        let advanced = try world.server.request("GET", "/.well-known/openpgpkey/provider.test/policy", host: "openpgpkey.provider.test")
        #expect(advanced.status == 200)
        #expect(advanced.body.isEmpty)
        #expect(try world.server.request("GET", "/.well-known/openpgpkey/policy", host: "hosted.test").status == 200)
    }

    @Test func adminAPIRequiresTheTokenAndSaysWhyItRefuses() async throws {
        let world = try await world()
        defer { world.close() }
        #expect(try world.server.request("GET", "/admin/v1/addresses/alice@provider.test").status == 401)
        #expect(try world.admin("GET", "/admin/v1/addresses/alice@provider.test", token: "wrong-token-0123456789").status == 401)
        let shown = try world.admin("GET", "/admin/v1/addresses/alice@provider.test")
        #expect(shown.status == 200)
        let view = try JSONSerialization.jsonObject(with: Data(shown.body)) as? [String: Any]
        #expect(view?["published"] as? Bool == true)
        #expect(view?["key"] as? String == world.fingerprint)
        let refusal = try world.admin("DELETE", "/admin/v1/aliases/alice@provider.test")
        #expect(refusal.status == 409)
        #expect(refusal.text == #"{"error":"alice@provider.test is the account's primary address; close the account instead"}"#)
        #expect(try world.admin("POST", "/admin/v1/accounts", json: #"{"id": "mallory", "primaryAddress": "Alice@HOSTED.test"}"#).status == 409)
        #expect(try world.admin("DELETE", "/admin/v1/aliases/Alice@hosted.test").status == 200)
        #expect(try world.admin("POST", "/admin/v1/accounts", json: #"{"id": "mallory", "primaryAddress": "alice@hosted.test"}"#).status == 409)
    }

    @Test func dataSurvivesARestart() async throws {
        let first = try await world()
        defer { first.home.close() }
        first.server.stop()
        let restarted = try await ServerProcess(extra: ["adminToken": Self.token], dataDirectory: first.server.dataDirectory)
        defer {
            restarted.stop()
            restarted.removeData()
        }
        let hash = try Self.hash("alice@provider.test")
        let key = try restarted.request("GET", "/.well-known/openpgpkey/provider.test/hu/\(hash)", host: "openpgpkey.provider.test")
        #expect(key.status == 200)
        #expect(try first.home.shownUserIDs(of: key.body) == ["Alice <alice@provider.test>"])
        let world = World(server: restarted, home: first.home, fingerprint: first.fingerprint)
        #expect(try world.admin("POST", "/admin/v1/accounts", json: #"{"id": "eve", "primaryAddress": "alice@provider.test"}"#).status == 409)
    }
}
