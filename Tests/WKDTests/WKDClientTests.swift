import DNS
import Foundation
import HTTPFetch
import OpenPGP
import Testing
import WKD

/// The WKD client against the lab: `adv.web.test` has `openpgpkey.adv.web.test` (advanced method),
/// `direct.web.test` has none (direct method). Keys are made by GnuPG and written under lab/run/https/www/.
@Suite("WKDClient (lab)")
struct WKDClientTests {
    static func client() throws -> WKDClient {
        WKDClient(fetcher: try Lab.fetcher(), resolver: try Lab.resolver(), port: try Lab.httpsPort())
    }

    /// Publishes `bytes` at the key URL of `address` for `method` (path without the query).
    static func publish(_ bytes: [UInt8], for address: WKDAddress, method: WKDMethod) throws {
        try Lab.publish(bytes, host: address.host(method), path: keyPath(address, method))
    }

    static func keyPath(_ address: WKDAddress, _ method: WKDMethod) -> String {
        String(address.path(method).split(separator: "?").first!.dropFirst())
    }

    @Test func methodIsAdvancedOnlyWhenTheOpenpgpkeyHostResolves() async throws {
        let client = try Self.client()
        #expect(await client.method(for: try WKDAddress("anyone@adv.web.test")) == .advanced)
        #expect(await client.method(for: try WKDAddress("anyone@direct.web.test")) == .direct)
        #expect(await client.method(for: try WKDAddress("anyone@does-not-exist.web.test")) == .direct)
    }

    @Test func advancedMethodFetchesABinaryKey() async throws {
        let key = try await GnuPG.key("adv")
        let address = try WKDAddress("adv-user@adv.web.test")
        try Self.publish(key.binary, for: address, method: .advanced)
        let result = try await Self.client().fetch(address)
        #expect(result.method == .advanced)
        #expect(result.url == address.url(.advanced))
        #expect(result.rawBytes == key.binary)
        #expect(result.certificates.map(\.fingerprint.description).map { $0.uppercased() } == [key.fingerprint])
        #expect(result.certificates.first?.subkeys.count == 1)
    }

    @Test func directMethodFetchesAnArmoredKey() async throws {
        let key = try await GnuPG.key("direct")
        let address = try WKDAddress("Direct-User@direct.web.test")   // upper case: same hash as GnuPG's lower-cased form
        try Self.publish(key.armored, for: address, method: .direct)
        let result = try await Self.client().fetch(address)
        #expect(result.method == .direct)
        #expect(result.url == address.url(.direct))
        #expect(result.certificates.count == 1)
        #expect(result.certificates.first?.userIDs.map(\.userID.value) == ["Direct User <direct-user@direct.web.test>"])
    }

    @Test func noFallbackFromAdvancedToDirect() async throws {
        // published only where the direct method would look; openpgpkey.adv.web.test answers 404
        let key = try await GnuPG.key("adv")
        let address = try WKDAddress("only-direct@adv.web.test")
        try Self.publish(key.binary, for: address, method: .direct)
        await #expect(throws: WKDError.notFound("")) { try await Self.client().fetch(address) }
    }

    @Test func missingKeyIsNotFound() async throws {
        await #expect(throws: WKDError.notFound("")) {
            try await Self.client().fetch(try WKDAddress("nobody-\(UUID().uuidString.prefix(8))@direct.web.test"))
        }
    }

    @Test func httpsRedirectIsFollowed() async throws {
        let key = try await GnuPG.key("moved")
        let address = try WKDAddress("moved@direct.web.test")
        try Lab.publish(key.binary, host: "direct.web.test", path: "keys/moved.pgp")
        try Lab.publishRedirect(302, to: "/keys/moved.pgp", host: "direct.web.test", path: Self.keyPath(address, .direct))
        let result = try await Self.client().fetch(address)
        #expect(result.finalURL.hasSuffix("/keys/moved.pgp"))
        #expect(result.certificates.count == 1)
    }

    @Test func httpRedirectIsRefused() async throws {
        let address = try WKDAddress("to-http@direct.web.test")
        try Lab.publishRedirect(301, to: "http://direct.web.test/keys/moved.pgp", host: "direct.web.test", path: Self.keyPath(address, .direct))
        await #expect(throws: WKDError.fetchFailed("", "")) { try await Self.client().fetch(address) }
    }

    @Test func oversizedBodyIsRefused() async throws {
        let address = try WKDAddress("big@direct.web.test")
        var bytes = try await GnuPG.key("big").binary
        bytes += [UInt8](repeating: 0, count: WKDClient.maximumBodySize + 1 - bytes.count)
        try Self.publish(bytes, for: address, method: .direct)
        await #expect(throws: WKDError.fetchFailed("", "")) { try await Self.client().fetch(address) }
    }

    @Test func keyWithoutAUserIDForTheAddressIsNotUsable() async throws {
        let address = try WKDAddress("wanted@direct.web.test")
        try Self.publish(try await GnuPG.key("stranger").binary, for: address, method: .direct)
        await #expect(throws: WKDError.noUsableKey("")) { try await Self.client().fetch(address) }
    }

    @Test func garbageIsNotUsable() async throws {
        let address = try WKDAddress("garbage@direct.web.test")
        try Self.publish(Array("this is not an OpenPGP key\n".utf8), for: address, method: .direct)
        await #expect(throws: WKDError.noUsableKey("")) { try await Self.client().fetch(address) }
    }

    @Test func keyWithTwoUserIDsComesBackWithTheAskedOneOnly() async throws {
        let key = try await GnuPG.key("two")
        let address = try WKDAddress("two@direct.web.test")
        try Self.publish(key.binary, for: address, method: .direct)
        let result = try await Self.client().fetch(address)
        let all = try Certificate.readAll(key.binary)
        #expect(all.first?.userIDs.count == 2)
        #expect(result.certificates.count == 1)
        #expect(result.certificates.first?.userIDs.map(\.userID.value) == ["Two <two@direct.web.test>"])
    }

    @Test func onlyTheMatchingCertificateOfSeveralIsKept() async throws {
        let pair = try await GnuPG.key("pair")
        let stranger = try await GnuPG.key("stranger")
        let address = try WKDAddress("pair@direct.web.test")
        try Self.publish(stranger.binary + pair.binary, for: address, method: .direct)
        let result = try await Self.client().fetch(address)
        #expect(result.certificates.map(\.fingerprint.description).map { $0.uppercased() } == [pair.fingerprint])
    }

    @Test func usableCertificatesWorkOffline() async throws {
        let key = try await GnuPG.key("two")
        let asked = try WKDClient.usableCertificates(in: key.armored, for: try WKDAddress("TWO@direct.web.test"), at: Date())
        #expect(asked.first?.userIDs.count == 1)
        // before the key existed, no user ID is valid
        #expect(throws: WKDError.noUsableKey("")) {
            try WKDClient.usableCertificates(in: key.binary, for: try WKDAddress("two@direct.web.test"), at: Date(timeIntervalSince1970: 0))
        }
    }
}
