import Foundation
import TestSupport

/// The peers Stockade's DKIM is compared with, run on the same files against the lab's resolver.
enum Peers {
    /// dkimpy's verdict for each DKIM-Signature, top first (`verify(idx=i)`: true or false).
    static func dkimpy(_ path: String) throws -> [Bool] {
        let output = try runTool("python3", [Fixture.path("peers/dkimpy_tool.py"), "verify", try labVariable("STOCKADE_RESOLVER"), path])
        return try JSONDecoder().decode([Bool].self, from: output)
    }

    /// A message signed by dkimpy (From, To, Subject): the way to make the signatures Stockade refuses to make.
    static func dkimpySign(_ path: String, key: String, selector: String, algorithm: String, canonicalization: String = "relaxed/relaxed") throws -> [UInt8] {
        Array(try runTool("python3", [Fixture.path("peers/dkimpy_tool.py"), "sign", path, Fixture.path("keys/\(key).pem"), "dkim.test",
                                      selector, algorithm, canonicalization]))
    }

    /// OpenDKIM 2.11's result for each signature, top first, from the Authentication-Results field its test mode
    /// (`opendkim -t FILE -vvv`) adds: `pass`, `fail`, `neutral`, `policy`, `permerror`, `temperror`; or, when it
    /// answers with an SMTP reply instead, that reply (`451 4.7.5 DKIM key retrieval failed`).
    static func openDKIM(_ path: String) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-opendkim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // libunbound (OpenDKIM's resolver here) forwards everything to the lab's resolver.
        let resolver = try labVariable("STOCKADE_RESOLVER").replacingOccurrences(of: ":", with: "@")
        try """
            server:
              do-not-query-localhost: no
              local-zone: "test." nodefault
            forward-zone:
              name: "."
              forward-addr: \(resolver)
            """.write(to: directory.appendingPathComponent("unbound.conf"), atomically: true, encoding: .utf8)
        try """
            Mode v
            Syslog no
            ResolverConfiguration \(directory.appendingPathComponent("unbound.conf").path)
            MaximumSignaturesToVerify 10
            MinimumKeyBits 1024
            AlwaysAddARHeader yes
            """.write(to: directory.appendingPathComponent("opendkim.conf"), atomically: true, encoding: .utf8)
        let output = String(decoding: try runTool("opendkim", ["-x", directory.appendingPathComponent("opendkim.conf").path, "-t", path, "-vvv"]),
                            as: UTF8.self)
        guard let start = output.range(of: "hname='Authentication-Results' hvalue='"),
              let end = output[start.upperBound...].firstIndex(of: "'") else {
            // A message OpenDKIM rejects or defers has no field, only its SMTP reply.
            if let reply = output.firstMatch(of: /SETREPLY: rcode='(\d+)' xcode='([\d.]+)' replytxt='([^']*)'/) {
                return ["\(reply.1) \(reply.2) \(reply.3)"]
            }
            throw PeerOutputUnreadable(output: output)
        }
        return output[start.upperBound..<end].split(separator: ";").compactMap { part in
            let words = part.split(whereSeparator: \.isWhitespace)
            guard let first = words.first, first.hasPrefix("dkim=") else { return nil }
            return String(first.dropFirst(5))
        }
    }

    struct PeerOutputUnreadable: Error, CustomStringConvertible {
        let output: String
        var description: String { "no Authentication-Results in OpenDKIM's output: \(output)" }
    }
}

/// Writes bytes to a new temporary file, runs `body` with its path, removes the file.
func withTemporaryFile<T>(_ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-dkim-\(UUID().uuidString).eml")
    try Data(bytes).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}
