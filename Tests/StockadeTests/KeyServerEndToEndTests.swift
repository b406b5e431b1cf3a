import Foundation
import OpenPGP
import TestSupport
import Testing

/// The validating key server of a real `stockade serve`, mail delivered to the lab's SMTP sink, driven over HTTP the
/// way keys.openpgp.org clients drive it, and by real GnuPG over HKP.
@Suite("Key server end to end", .serialized)
struct KeyServerEndToEndTests {
    @Test func uploadVerifyPublishManageUnpublish() async throws {
        let world = try await KeyServerWorld.start()
        defer { world.close() }
        let started = Date()
        let requested = try world.uploadAndRequest("alice@example.org")
        #expect(requested["key_fpr"] as? String == world.fingerprint)
        #expect(requested["status"] as? [String: String] == ["alice@example.org": "pending", "alice@work.example": "unpublished"])

        // The key is published by fingerprint at once, without identities; nothing by email yet.
        let byFingerprint = try world.server.request("GET", "/vks/v1/by-fingerprint/\(world.fingerprint)")
        #expect(byFingerprint.status == 200)
        #expect(byFingerprint.headers["content-type"] == "application/pgp-keys")
        #expect(byFingerprint.headers["access-control-allow-origin"] == "*")
        #expect(try userIDs(byFingerprint.body) == [])
        #expect(try world.server.request("GET", "/vks/v1/by-email/alice%40example.org").status == 404)

        // The mail arrives through the relay; GET shows the confirmation and publishes nothing.
        let link = try await world.mailedLink("verify", to: "alice@example.org", after: started)
        let page = try world.server.request("GET", link)
        #expect(page.status == 200)
        #expect(page.text.contains("<b id=\"address\">alice@example.org</b>"))
        #expect(try world.server.request("GET", "/vks/v1/by-email/alice%40example.org").status == 404)

        // POST publishes: by-email serves the key with only that user ID.
        let confirm = try world.server.request("POST", link)
        #expect(confirm.status == 200)
        let byEmail = try world.server.request("GET", "/vks/v1/by-email/alice%40example.org")
        #expect(byEmail.status == 200)
        #expect(try world.home.shownUserIDs(of: byEmail.body) == ["Alice <alice@example.org>"])
        #expect(try world.server.request("POST", link).status == 404)  // single use

        // Manage: a link by mail, then unpublish; the address is gone.
        let manageStarted = Date()
        #expect(try world.form("/manage", [("email", "alice@example.org")]).status == 200)
        let manage = try await world.mailedLink("manage", to: "alice@example.org", after: manageStarted)
        let managePage = try world.server.request("GET", manage)
        #expect(managePage.text.contains("<span class=\"address\">alice@example.org</span>"))
        let removed = try world.form(manage, [("address", "alice@example.org")])
        #expect(removed.status == 200)
        #expect(try world.server.request("GET", "/vks/v1/by-email/alice%40example.org").status == 404)
        let after = try world.server.request("GET", "/vks/v1/by-fingerprint/\(world.fingerprint)")
        #expect(try userIDs(after.body) == [])
        #expect(!after.body.contains(Array("alice@example.org".utf8)))
    }

    @Test func errorsAreJSONWithTheRightStatus() async throws {
        let world = try await KeyServerWorld.start()
        defer { world.close() }
        let cases: [(HTTPExchange, Int)] = [
            (try world.server.request("GET", "/vks/v1/by-fingerprint/XYZ"), 400),
            (try world.server.request("GET", "/vks/v1/by-fingerprint/\(String(repeating: "A", count: 40))"), 404),
            (try world.server.request("GET", "/vks/v1/by-keyid/0123456789ABCDEF"), 404),
            (try world.server.request("GET", "/vks/v1/by-email/not-an-address"), 400),
            (try world.json("POST", "/vks/v1/upload", ["keytext": "garbage"]), 400),
            (try world.json("POST", "/vks/v1/upload", ["keytext": String(repeating: "A", count: (1 << 20) + 10)]), 413),
            (try world.json("POST", "/vks/v1/request-verify", ["token": "forged", "addresses": ["alice@example.org"]]), 400),
            (try world.server.request("POST", "/vks/v1/upload", headers: ["Content-Type": "application/json"], body: Array("{".utf8)), 400),
        ]
        for (response, status) in cases {
            #expect(response.status == status, "\(response.text)")
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.headers["access-control-allow-origin"] == "*")
            let body = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String]
            #expect(body?["error"]?.isEmpty == false)
        }
    }

    @Test func rateLimitsAnswer429WithRetryAfter() async throws {
        let world = try await KeyServerWorld.start(limits: ["requestsPerMinutePerClient": 3])
        defer { world.close() }
        let statuses = try (0..<4).map { _ in try world.server.request("GET", "/vks/v1/by-email/bob%40example.org") }
        #expect(statuses.map(\.status) == [404, 404, 404, 429])
        #expect((55...60).contains(Int(statuses[3].headers["retry-after"] ?? "") ?? 0))
        #expect(statuses[3].text == #"{"error":"too many requests from your address; retry in \#(statuses[3].headers["retry-after"]!) s"}"#)
        // The limit is the client's, not the address's: HKP and the pages are refused to this client too.
        #expect(try world.server.request("GET", "/pks/lookup?op=get&search=carol%40example.org").status == 429)
        // Without trusted proxies a forwarding header changes nothing: the peer (127.0.0.1) is the client.
        #expect(try world.server.request("GET", "/vks/v1/by-email/bob%40example.org", headers: ["X-Forwarded-For": "192.0.2.7"]).status == 429)
    }

    /// Issue 13, item 4: behind a trusted proxy each client has its own count, an IPv6 client its /64, and lookups of an
    /// address by anyone never lock its owner out of verification or removal.
    @Test func clientsBehindATrustedProxyAreCountedApart() async throws {
        let world = try await KeyServerWorld.start(limits: ["requestsPerMinutePerClient": 3, "trustedProxies": ["127.0.0.0/8"]])
        defer { world.close() }
        func lookup(from client: String, header: String = "X-Forwarded-For") throws -> Int {
            try world.server.request("GET", "/vks/v1/by-email/alice%40example.org", headers: [header: client]).status
        }
        #expect(try (0..<4).map { _ in try lookup(from: "2001:db8:1:2::10") } == [404, 404, 404, 429])
        #expect(try lookup(from: "2001:db8:1:2:ffff::1") == 429, "same /64")
        #expect(try lookup(from: "2001:db8:1:3::10") == 404, "another /64")
        #expect(try lookup(from: "for=\"[2001:db8:1:3::10]:4711\"", header: "Forwarded") == 404, "RFC 7239 form of the same client")
        #expect(try lookup(from: "198.51.100.1") == 404)
        // A client cannot choose its key: the address left of the last untrusted hop is ignored.
        #expect(try lookup(from: "203.0.113.9, 2001:db8:1:2::10") == 429)
        // The third party that used up its requests did not lock alice's address: her upload and request-verify pass.
        let verify = try world.uploadAndRequest("alice@example.org")
        #expect(verify["status"] as? [String: String] == ["alice@example.org": "pending", "alice@work.example": "unpublished"])
    }

    @Test func gnupgAndSequoiaOverHKP() async throws {
        let world = try await KeyServerWorld.start()
        defer { world.close() }
        let keyserver = "hkp://127.0.0.1:\(world.server.port)"
        try world.home.gpg(["--keyserver", keyserver, "--send-keys", world.fingerprint])
        // Sent but unverified: the HKP index and get know no identity.
        let index = try world.server.request("GET", "/pks/lookup?op=index&options=mr&search=0x\(world.fingerprint)")
        #expect(index.status == 200)
        #expect(index.text.hasPrefix("info:1:1\npub:\(world.fingerprint):22::"))  // EdDSA: no key length
        #expect(!index.text.contains("uid:"))
        #expect(try world.server.request("GET", "/pks/lookup?op=index&options=mr&search=alice%40example.org").status == 404)

        // Verify one address through the API, then GnuPG finds and imports exactly it.
        let started = Date()
        _ = try world.uploadAndRequest("alice@example.org")
        let link = try await world.mailedLink("verify", to: "alice@example.org", after: started)
        #expect(try world.server.request("POST", link).status == 200)

        let other = try GnuPGHome()
        defer { other.close() }
        try other.gpg(["--keyserver", keyserver, "--recv-keys", world.fingerprint])
        #expect(try other.shownUserIDs(of: try other.export(world.fingerprint)) == ["Alice <alice@example.org>"])
        // With --with-colons GnuPG prints the index it received and asks nothing.
        let search = String(decoding: try other.gpg(["--with-colons", "--keyserver", keyserver, "--search-keys", "alice@example.org"]),
                            as: UTF8.self)
        #expect(search.hasPrefix("info:1:1\npub:\(world.fingerprint):22::"))
        #expect(search.contains("\nuid:Alice <alice@example.org>:"))
        #expect(!search.contains("alice@work.example"))
        #expect(throws: ToolFailed.self) {
            try other.gpg(["--with-colons", "--keyserver", keyserver, "--search-keys", "alice@work.example"])
        }

        // Sequoia too (`insecure`: the lab key server speaks plain HTTP on loopback).
        let viaSequoia = try runTool("sq", ["keyserver", "--policy", "insecure", "--server", keyserver, "get", world.fingerprint])
        #expect(try userIDs(Array(viaSequoia)) == ["Alice <alice@example.org>"])
        #expect(try Certificate.readAll(Array(viaSequoia)).map(\.fingerprint.description) == [world.fingerprint])
    }
}

/// The user IDs of the one certificate in an armored or binary response.
func userIDs(_ body: [UInt8]) throws -> [String] {
    try Certificate.readAll(body).flatMap { $0.userIDs.map(\.userID.value) }
}
