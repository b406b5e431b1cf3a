import Foundation
import OpenPGP
import TestSupport
import Testing

/// `stockade vks upload`, `request-verify` and `get` against a real `stockade serve` over TLS (lab).
@Suite("stockade vks: upload, request-verify, get (lab, TLS)")
struct VKSCommandTests {
    @Test func uploadRequestVerifyAndGet() async throws {
        let world = try await KeyServerWorld.startTLS(userIDs: ["Carol <carol@provider.web.test>"])
        defer { world.close() }
        let options = try LookupCommandTests.keyServer(world)
        let started = Date()
        let upload = try CLI.run(["vks", "upload", try world.home.write(world.home.export(world.fingerprint), name: "carol.pgp"), "--json"] + options)
        try #require(upload.status == 0, "\(upload.error)")
        let uploaded = try #require(try JSONSerialization.jsonObject(with: Data(upload.output.utf8)) as? [String: Any])
        #expect(uploaded["key_fpr"] as? String == world.fingerprint)
        let token = try #require(uploaded["token"] as? String)

        let request = try CLI.run(["vks", "request-verify", "--token", token, "carol@provider.web.test"] + options)
        #expect(request.status == 0, "\(request.error)")
        #expect(request.output.contains("carol@provider.web.test: pending"), "\(request.output)")
        try await VKSClientTests.confirm(world, "carol@provider.web.test", after: started)

        let output = world.home.path + "/carol.asc"
        let get = try CLI.run(["vks", "get", "carol@provider.web.test", "--armor", "-o", output] + options)
        #expect(get.status == 0, "\(get.error)")
        let fetched = try Certificate(bytes: Array(Data(contentsOf: URL(fileURLWithPath: output))))
        #expect(fetched.fingerprint.description == world.fingerprint)
        #expect(fetched.userIDs.map(\.userID.value) == ["Carol <carol@provider.web.test>"])

        let missing = try CLI.run(["vks", "get", String(world.fingerprint.suffix(16).reversed())] + options)
        #expect(missing.status == 2)
        #expect(missing.error.contains("no key found"))
        // Tokens are base64url: one may start with "-", and is still the option's value (a refusal, not a usage error).
        let refused = try CLI.run(["vks", "request-verify", "--token", "-forged", "carol@provider.web.test"] + options)
        #expect(refused.status != 0)
        #expect(refused.error.contains("answered 400"), "\(refused.error)")
    }
}
