import DNS
import Foundation
import OpenPGP
import HTTPFetch
import TestSupport
import Testing
import VKS

/// Stockade's VKS and HKP clients against a real `stockade serve` with the key server on, over HTTPS on 127.0.9.1 as
/// `provider.web.test` (lab resolver, lab CA), verification mails read from the lab's SMTP sink.
@Suite("VKS and HKP clients against stockade serve (lab, TLS)")
struct VKSClientTests {
    /// A fetcher through the lab resolver trusting only the lab CA.
    static func fetcher() throws -> HTTPFetcher {
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")]))
        return try HTTPFetcher(resolver: resolver, trustRoots: .only(pemFiles: [try labVariable("STOCKADE_LAB_CA")]))
    }

    static func clients(_ world: KeyServerWorld) throws -> (VKSClient, HKPClient) {
        let base = try #require(world.baseURL)
        return (try VKSClient(baseURL: base, fetcher: try fetcher()), try HKPClient(baseURL: base + "/", fetcher: try fetcher()))
    }

    /// Confirms the newest verification link mailed to `address` with a POST, as the link's page does.
    static func confirm(_ world: KeyServerWorld, _ address: String, after started: Date) async throws {
        let link = try await world.mailedLink("verify", to: address, after: started)
        let base = try #require(world.baseURL)
        let response = try await fetcher().post(base + link, body: [], contentType: "application/x-www-form-urlencoded",
                                                policy: FetchPolicy(maximumBodySize: 1 << 20, timeout: .seconds(10)))
        #expect(response.status == 200)
    }

    /// Expects `body` to fail with a refusal of `status` that carries the server's `{"error"}` text.
    static func expectRefusal(_ status: Int, _ body: () async throws(VKSClientError) -> Void) async {
        do {
            try await body()
            Issue.record("no refusal where \(status) was expected")
        } catch {
            #expect(error == .refused(0, "", message: nil))
            #expect(error.statusCode == status, "\(error)")
            #expect(error.serverMessage?.isEmpty == false, "\(error)")
        }
    }

    @Test func uploadRequestVerifyConfirmThenGetByEveryKey() async throws {
        let world = try await KeyServerWorld.startTLS(userIDs: ["Alice <alice@provider.web.test>", "Alice Work <alice@work.example>"])
        defer { world.close() }
        let (vks, hkp) = try Self.clients(world)
        let started = Date()
        let upload = try await vks.upload(try world.armoredKey())
        #expect(upload.keyFingerprint == world.fingerprint)
        #expect(upload.status == ["alice@provider.web.test": .unpublished, "alice@work.example": .unpublished])
        #expect(try await vks.certificates(email: "alice@provider.web.test").isEmpty, "nothing by email before verification")
        let bare = try await vks.certificates(fingerprint: world.fingerprint)
        #expect(bare.map(\.fingerprint.description) == [world.fingerprint])
        #expect(bare.first?.userIDs.isEmpty == true, "by fingerprint without identities until verified")

        let requested = try await vks.requestVerify(token: upload.token, addresses: ["alice@provider.web.test"])
        #expect(requested.status == ["alice@provider.web.test": .pending, "alice@work.example": .unpublished])
        try await Self.confirm(world, "alice@provider.web.test", after: started)

        let byEmail = try await vks.certificates(email: "Alice@Provider.web.test")
        #expect(byEmail.map(\.fingerprint.description) == [world.fingerprint])
        #expect(byEmail.first?.userIDs.map(\.userID.value) == ["Alice <alice@provider.web.test>"])
        #expect(try await vks.certificates(fingerprint: "0x" + world.fingerprint.lowercased()).first?.userIDs.count == 1)
        #expect(try await vks.certificates(keyID: String(world.fingerprint.suffix(16))).map(\.fingerprint.description) == [world.fingerprint])

        #expect(try await hkp.get(.email("alice@provider.web.test")).map(\.fingerprint.description) == [world.fingerprint])
        #expect(try await hkp.get(.keyID(String(world.fingerprint.suffix(16)))).map(\.fingerprint.description) == [world.fingerprint])
        let index = try await hkp.index(.fingerprint(world.fingerprint))
        #expect(index.map(\.fingerprint) == [world.fingerprint])
        #expect(index.first?.userIDs == ["Alice <alice@provider.web.test>"])
        #expect(index.first?.flags == "")
    }

    @Test func notFoundIsEmpty() async throws {
        let world = try await KeyServerWorld.startTLS(userIDs: ["Alice <alice@provider.web.test>"])
        defer { world.close() }
        let (vks, hkp) = try Self.clients(world)
        #expect(try await vks.certificates(fingerprint: String(repeating: "A", count: 40)).isEmpty)
        #expect(try await vks.certificates(keyID: "0123456789ABCDEF").isEmpty)
        #expect(try await vks.certificates(email: "nobody@provider.web.test").isEmpty)
        #expect(try await hkp.get(.email("nobody@provider.web.test")).isEmpty)
        #expect(try await hkp.index(.fingerprint(String(repeating: "B", count: 40))).isEmpty)
    }

    @Test func refusalsCarryTheStatusAndTheServersMessage() async throws {
        let world = try await KeyServerWorld.startTLS(limits: ["requestsPerMinutePerClient": 3], userIDs: ["Alice <alice@provider.web.test>"])
        defer { world.close() }
        let (vks, _) = try Self.clients(world)
        await Self.expectRefusal(400) { () async throws(VKSClientError) in _ = try await vks.upload("garbage") }
        await Self.expectRefusal(400) { () async throws(VKSClientError) in _ = try await vks.requestVerify(token: "forged", addresses: ["alice@provider.web.test"]) }
        #expect(try await vks.certificates(email: "bob@provider.web.test").isEmpty, "the third request of this minute: 404")
        await Self.expectRefusal(429) { () async throws(VKSClientError) in _ = try await vks.certificates(email: "bob@provider.web.test") }
        await #expect(throws: VKSClientError.invalidQuery("")) { try await vks.certificates(fingerprint: "XYZ") }
        await #expect(throws: VKSClientError.invalidQuery("")) { try await vks.certificates(email: "not-an-address") }
        let closed = try VKSClient(baseURL: "https://provider.web.test:1", fetcher: try Self.fetcher())
        await #expect(throws: VKSClientError.fetchFailed("", "")) { try await closed.certificates(keyID: "0123456789ABCDEF") }
        #expect(throws: VKSClientError.invalidBaseURL("")) { try VKSClient(baseURL: "http://keys.example.test", fetcher: try Self.fetcher()) }
    }
}
