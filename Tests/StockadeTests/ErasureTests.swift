import Foundation
import TestSupport
import Testing

/// Issue 13, item 6: after an owner removes an address through `/manage`, no storage file of the server (the database,
/// its `-wal` and `-shm`) holds the address or its user ID, byte for byte.
@Suite(.serialized) struct ErasureTests {
    /// Every file of the database, lower-cased ASCII, so `Alice@Example.org` counts as well.
    static func storage(_ world: KeyServerWorld) throws -> [(name: String, bytes: [UInt8])] {
        let base = world.server.dataDirectory.appendingPathComponent("stockade.sqlite").path
        return try ["", "-wal", "-shm"].compactMap { suffix in
            guard let data = FileManager.default.contents(atPath: base + suffix) else { return nil }
            return ("stockade.sqlite" + suffix, data.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 })
        }
    }

    static func occurrences(of needle: String, in files: [(name: String, bytes: [UInt8])]) -> [String] {
        let pattern = Array(needle.lowercased().utf8)
        return files.filter { $0.bytes.firstRange(of: pattern) != nil }.map(\.name)
    }

    @Test func removalThroughManageLeavesNoTraceInAnyStorageFile() async throws {
        let world = try await KeyServerWorld.start()
        defer { world.close() }
        let started = Date()
        _ = try world.uploadAndRequest("alice@example.org")
        let link = try await world.mailedLink("verify", to: "alice@example.org", after: started)
        #expect(try world.server.request("POST", link).status == 200)
        // Before: the address and its user ID are stored (the published key, the address row, the staged upload).
        #expect(!Self.occurrences(of: "alice@example.org", in: try Self.storage(world)).isEmpty)

        let manageStarted = Date()
        #expect(try world.form("/manage", [("email", "alice@example.org")]).status == 200)
        let manage = try await world.mailedLink("manage", to: "alice@example.org", after: manageStarted)
        #expect(try world.form(manage, [("address", "alice@example.org")]).status == 200)
        #expect(try world.server.request("GET", "/vks/v1/by-email/alice%40example.org").status == 404)

        let files = try Self.storage(world)
        #expect(files.map(\.name).contains("stockade.sqlite"))
        #expect(Self.occurrences(of: "alice@example.org", in: files) == [])
        #expect(Self.occurrences(of: "Alice <alice@example.org>", in: files) == [])
        // The key itself stays published by fingerprint, without user IDs.
        #expect(try world.server.request("GET", "/vks/v1/by-fingerprint/\(world.fingerprint)").status == 200)
        // The manage link was for that address: it is gone with it.
        #expect(try world.server.request("GET", manage).status == 404)
    }
}
