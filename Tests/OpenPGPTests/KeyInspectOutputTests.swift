import Foundation
import Testing

/// `stockade key inspect` prints exactly the bytes it printed when its JSON came from `JSONEncoder` (`.prettyPrinted`,
/// `.sortedKeys`, `.withoutEscapingSlashes`): the expected files were written by the `stockade` of commit fc6af3e, before
/// the JSON was written by hand (see `Vectors/README.md`).
@Suite struct KeyInspectOutputTests {
    static let arguments = ["--at", "2027-01-01T00:00:00Z", "gnupg-revoked-quoted-user-id.pgp", "rfc9580-a3-v6-certificate.asc"]

    /// Both inputs at their paths inside the test bundle's vectors.
    static func inputs() throws -> [String] {
        try arguments.map { argument in
            guard argument.hasSuffix(".pgp") || argument.hasSuffix(".asc") else { return argument }
            return try #require(Bundle.module.url(forResource: argument, withExtension: nil, subdirectory: "Vectors")).path
        }
    }

    /// A revoked certificate with no subkey, a user ID with a quote, a backslash, a slash and a non-ASCII letter, a
    /// revoked user ID without an address, and the RFC 9580 v6 certificate: the same JSON, byte for byte.
    @Test func jsonIsByteForByteTheEncodersLayout() throws {
        let result = try KeyCommandTests.stockade(["key", "inspect", "--json"] + Self.inputs())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Array(result.stdout) == (try vector("inspect-expected.json")))
    }

    @Test func textIsUnchanged() throws {
        let result = try KeyCommandTests.stockade(["key", "inspect"] + Self.inputs())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Array(result.stdout) == (try vector("inspect-expected.txt")))
    }
}
