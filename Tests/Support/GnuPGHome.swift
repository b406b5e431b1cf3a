package import Foundation

/// A throw-away GnuPG home. ``close()`` kills its agents (`gpgconf --homedir DIR --kill all`) and deletes it.
package final class GnuPGHome: @unchecked Sendable {
    package let path: String

    package init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-gpg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// gpg in batch mode on this home with an empty passphrase; `fakedTime` is gpg's `--faked-system-time`.
    @discardableResult
    package func gpg(_ arguments: [String], fakedTime: String? = nil, input: Data? = nil) throws -> Data {
        var options = ["--homedir", path, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", ""]
        if let fakedTime { options += ["--faked-system-time", fakedTime] }
        return try runTool("gpg", options + arguments, environment: ["GNUPGHOME": path], input: input)
    }

    /// Generates an ed25519/cv25519 key for `userID` and returns its fingerprint.
    package func generateKey(_ userID: String, expires: String = "never", fakedTime: String? = nil) throws -> String {
        try gpg(["--quick-gen-key", userID, "future-default", "default", expires], fakedTime: fakedTime)
        return try fingerprint(of: userID)
    }

    /// The fingerprint of the first key matching `query`.
    package func fingerprint(of query: String) throws -> String {
        let listing = String(decoding: try gpg(["--with-colons", "--list-keys", query]), as: UTF8.self)
        guard let line = listing.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") }) else {
            throw ToolFailed(command: "gpg --list-keys \(query)", status: 0, standardError: "no fingerprint in listing")
        }
        return String(line.split(separator: ":", omittingEmptySubsequences: false)[9])
    }

    /// The binary export of a key.
    package func export(_ fingerprint: String) throws -> [UInt8] {
        Array(try gpg(["--export", fingerprint]))
    }

    /// Writes bytes into the home and returns the file's path.
    package func write(_ bytes: [UInt8], name: String) throws -> String {
        let file = "\(path)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    /// The `uid` lines of `gpg --with-colons --show-keys` for some key bytes: user ID text and validity field.
    package func shownUserIDs(of bytes: [UInt8]) throws -> [String] {
        let file = "\(path)/show-\(UUID().uuidString.prefix(8)).pgp"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let listing = String(decoding: try gpg(["--with-colons", "--show-keys", file]), as: UTF8.self)
        return listing.split(separator: "\n").filter { $0.hasPrefix("uid:") }.map {
            String($0.split(separator: ":", omittingEmptySubsequences: false)[9])
        }
    }

    package func close() {
        _ = try? runTool("gpgconf", ["--homedir", path, "--kill", "all"])
        // The agent removes its sockets while it exits, which can race with the removal: retry briefly.
        for _ in 0..<40 {
            if (try? FileManager.default.removeItem(atPath: path)) != nil || !FileManager.default.fileExists(atPath: path) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
