import Foundation
import TestSupport
import Testing

/// The alias rule under Unicode and address syntax through a real `stockade serve` admin API: other spellings of
/// a taken address are 409, lookalikes on provider domains are 400, and non-ASCII addresses can be shown and
/// removed through percent-encoded paths.
@Suite("Admin API: the alias rule under Unicode and address syntax")
struct AdminAliasRuleTests {
    static let token = "test-token-0123456789abcdef"

    struct World {
        let server: ServerProcess
        let home: GnuPGHome

        func admin(_ method: String, _ path: String, json: [String: String]? = nil, body: [UInt8] = []) throws -> HTTPExchange {
            try server.admin(method, path, token: AdminAliasRuleTests.token, json: json, body: body)
        }

        func error(_ response: HTTPExchange) -> String {
            ((try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: String])?["error"] ?? response.text
        }

        func close() {
            server.stop()
            server.removeData()
            home.close()
        }
    }

    /// Every byte but unreserved ASCII percent-encoded, `@` included.
    static func encoded(_ text: String) -> String {
        text.utf8.map { byte in
            let scalar = Unicode.Scalar(byte)
            return byte < 0x80 && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-._~".unicodeScalars.contains(scalar))
                ? String(scalar) : String(format: "%%%02X", byte)
        }.joined()
    }

    /// bücher.test and provider.test (provider), müller.test (hosted); dave on bücher.test with his key published,
    /// josé on provider.test, frank closed, mallory.
    func world() async throws -> World {
        let home = try GnuPGHome()
        let server = try await ServerProcess(extra: [
            "adminToken": Self.token,
            "domains": [["name": "bücher.test", "kind": "provider"], ["name": "provider.test", "kind": "provider"],
                        ["name": "xn--mller-kva.test", "kind": "hosted"]],
        ])
        let world = World(server: server, home: home)
        for (id, address) in [("dave", "dave@bücher.test"), ("jose", "josé@provider.test"), ("frank", "frank@provider.test"),
                              ("mallory", "mallory@provider.test")] {
            let created = try world.admin("POST", "/admin/v1/accounts", json: ["id": id, "primaryAddress": address])
            #expect(created.status == 201, "\(address): \(created.text)")
        }
        #expect(try world.admin("POST", "/admin/v1/accounts/dave/aliases", json: ["address": "dave.alias@bücher.test"]).status == 201)
        #expect(try world.admin("DELETE", "/admin/v1/accounts/frank").status == 200)
        return world
    }

    @Test func otherSpellingsOfTakenAddressesAreConflicts() async throws {
        let world = try await world()
        defer { world.close() }
        let domain = try world.admin("POST", "/admin/v1/domains", json: ["name": "XN--BCHER-KVA.test", "kind": "provider"])
        #expect(domain.status == 409)
        #expect(world.error(domain) == "bücher.test is already served")
        for address in ["dave@xn--bcher-kva.test", "DAVE@BÜCHER.TEST", "dave@bu\u{308}cher.test", "jose\u{301}@provider.test",
                        "JOSÉ@provider.test", "\"dave.alias\"@bücher.test", "frank+a@provider.test", "Frank@provider.test",
                        "dave+tag@xn--bcher-kva.test"] {
            let response = try world.admin("POST", "/admin/v1/accounts/mallory/aliases", json: ["address": address])
            #expect(response.status == 409, "\(address): \(response.text)")
            #expect(world.error(response).contains("addresses are never reassigned"), "\(address): \(response.text)")
        }
        let taken = try world.admin("POST", "/admin/v1/accounts", json: ["id": "eve", "primaryAddress": "DAVE@xn--bcher-kva.test"])
        #expect(taken.status == 409)
        #expect(world.error(taken) == "DAVE@bücher.test belongs, or once belonged, to account dave; addresses are never reassigned")
    }

    @Test func lookalikesAreRefusedOnProviderDomains() async throws {
        let world = try await world()
        defer { world.close() }
        for address in ["ｄａｖｅ@bücher.test", "da\u{200D}ve@bücher.test", "d\u{0430}ve@bücher.test", "j\u{03BF}sé@provider.test",
                        "\"dave alias\"@bücher.test", "da\u{00AD}ve@bücher.test", "dave\u{202E}@bücher.test", "newbie+x@provider.test"] {
            let response = try world.admin("POST", "/admin/v1/accounts/mallory/aliases", json: ["address": address])
            #expect(response.status == 400, "\(address): \(response.text)")
            #expect(world.error(response).contains("cannot be assigned"), "\(address): \(response.text)")
        }
        let cyrillic = try world.admin("POST", "/admin/v1/accounts", json: ["id": "eve", "primaryAddress": "d\u{0430}ve@bücher.test"])
        #expect(cyrillic.status == 400)
        #expect(world.error(cyrillic) == "d\u{0430}ve@bücher.test cannot be assigned: the local part mixes scripts (cyrillic, latin)")
        let invisible = try world.admin("POST", "/admin/v1/accounts", json: ["id": "eve", "primaryAddress": "da\u{200D}ve@bücher.test"])
        #expect(world.error(invisible) == "da\u{200D}ve@bücher.test cannot be assigned: the local part contains U+200D, an invisible, unassigned or private-use character")
    }

    @Test func nonASCIIAddressesAreShownAndRemovedThroughEncodedPaths() async throws {
        let world = try await world()
        defer { world.close() }
        let shown = try world.admin("GET", "/admin/v1/addresses/\(Self.encoded("JOSE\u{301}@PROVIDER.test"))")
        #expect(shown.status == 200, "\(shown.text)")
        let view = try JSONSerialization.jsonObject(with: Data(shown.body)) as? [String: Any]
        #expect(view?["address"] as? String == "josé@provider.test")
        #expect(view?["account"] as? String == "jose")
        let dave = try world.admin("GET", "/admin/v1/addresses/\(Self.encoded("dave+news@xn--bcher-kva.test"))")
        #expect((try JSONSerialization.jsonObject(with: Data(dave.body)) as? [String: Any])?["account"] as? String == "dave")
        // An alias on the hosted IDN domain, added with the U-label, removed with the A-label.
        #expect(try world.admin("POST", "/admin/v1/accounts/dave/aliases", json: ["address": "Zoë@müller.test"]).status == 201)
        let removed = try world.admin("DELETE", "/admin/v1/aliases/\(Self.encoded("zoe\u{308}@xn--mller-kva.test"))")
        #expect(removed.status == 200, "\(removed.text)")
        let after = try world.admin("GET", "/admin/v1/addresses/\(Self.encoded("zoë@müller.test"))")
        #expect((try JSONSerialization.jsonObject(with: Data(after.body)) as? [String: Any])?["status"] as? String == "removed")
        #expect(try world.admin("POST", "/admin/v1/accounts/mallory/aliases", json: ["address": "ZOË@müller.test"]).status == 409)
        // A literal "@" in the path works too; broken percent-encoding is a 400.
        #expect(try world.admin("GET", "/admin/v1/addresses/JOS%C3%89@provider.test").status == 200)
        #expect(try world.admin("GET", "/admin/v1/addresses/jos%C3@provider.test").status == 400)
    }

    @Test func theWKDServesTheOwnersKeyUnderTheALabelHost() async throws {
        let world = try await world()
        defer { world.close() }
        let fingerprint = try world.home.generateKey("Dave <dave@bücher.test>")
        #expect(try world.admin("POST", "/admin/v1/accounts/dave/keys", body: try world.home.export(fingerprint)).status == 201)
        let associated = try world.admin("PUT", "/admin/v1/addresses/\(Self.encoded("dave@bücher.test"))/key", json: ["fingerprint": fingerprint])
        #expect(associated.status == 200, "\(associated.text)")
        // z-base-32 SHA-1 of "dave", as gpg-wks-client --print-wkd-hash prints it.
        let hash = String(decoding: try runTool("gpg-wks-client", ["--print-wkd-hash", "dave@bücher.test"]), as: UTF8.self)
            .split(separator: " ")[0].lowercased()
        let advanced = try world.server.request("GET", "/.well-known/openpgpkey/xn--bcher-kva.test/hu/\(hash)?l=dave",
                                                host: "openpgpkey.xn--bcher-kva.test")
        #expect(advanced.status == 200)
        #expect(try world.home.shownUserIDs(of: advanced.body) == ["Dave <dave@bücher.test>"])
        let direct = try world.server.request("GET", "/.well-known/openpgpkey/hu/\(hash)", host: "xn--bcher-kva.test")
        #expect(direct.status == 200)
        // And mallory cannot take the A-label spelling to have her key served there.
        #expect(try world.admin("POST", "/admin/v1/accounts/mallory/aliases", json: ["address": "dave@xn--bcher-kva.test"]).status == 409)
    }

    @Test func aServerWithAnALabelDomainInItsConfigurationRestarts() async throws {
        let first = try await world()
        defer { first.home.close() }
        first.server.stop()
        // The configuration names müller.test by its A-label; the directory holds it as müller.test.
        let restarted = try await ServerProcess(extra: [
            "adminToken": Self.token,
            "domains": [["name": "bücher.test", "kind": "provider"], ["name": "xn--mller-kva.test", "kind": "hosted"]],
        ], dataDirectory: first.server.dataDirectory)
        let world = World(server: restarted, home: first.home)
        defer {
            restarted.stop()
            restarted.removeData()
        }
        #expect(try world.admin("POST", "/admin/v1/accounts/mallory/aliases", json: ["address": "dave@xn--bcher-kva.test"]).status == 409)
        #expect(try world.server.request("GET", "/.well-known/openpgpkey/policy", host: "xn--mller-kva.test").status == 200)
    }
}
