import ArgumentParser
import Foundation
import OpenPGP

/// `stockade key …`: inspect, minimize and merge OpenPGP certificates (library `OpenPGP`).
struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Inspect, minimize and merge OpenPGP certificates (RFC 9580, v4 and v6).",
        subcommands: [Inspect.self, Minimize.self, Merge.self]
    )
}

/// Options shared by the `key` subcommands.
struct KeyTimeOptions: ParsableArguments {
    @Option(name: .customLong("at"), help: "Judge validity at this instant (ISO 8601, e.g. 2025-06-01T00:00:00Z) instead of now.")
    var at: String?

    func validate() throws {
        if let at, ISO8601DateFormatter().date(from: at) == nil {
            throw ValidationError("--at must be an ISO 8601 instant such as 2025-06-01T00:00:00Z")
        }
    }

    var time: Date { at.flatMap { ISO8601DateFormatter().date(from: $0) } ?? Date() }
}

private func readInput(_ path: String) throws -> [UInt8] {
    if path == "-" { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

private func checkReadable(_ path: String) throws {
    guard path == "-" || FileManager.default.isReadableFile(atPath: path) else {
        throw ValidationError("cannot read \(path)")
    }
}

private func writeOutput(_ bytes: [UInt8], to path: String?) throws {
    if let path, path != "-" {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    } else {
        FileHandle.standardOutput.write(Data(bytes))
    }
}

extension KeyCommand {
    /// `stockade key inspect FILE... [--json]`.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspect",
            abstract: "Show fingerprints, user IDs, subkeys and their validity for every certificate in the files."
        )

        @Argument(help: "Certificate or keyring files, binary or ASCII-armored ('-' for standard input).")
        var files: [String]

        @Flag(help: "Print JSON instead of text.")
        var json = false

        @OptionGroup var timeOptions: KeyTimeOptions

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("give at least one certificate file") }
            for file in files { try checkReadable(file) }
        }

        func run() async throws {
            // Reading and verifying each certificate is nearly all of the work, and independent of the others: both
            // are done on every core, each certificate's printed block made on the worker that read it.
            let time = timeOptions.time, json = json
            var blocks: [String] = []
            for file in files {
                blocks += try Keyring(bytes: readInput(file)).concurrentMap { certificate in
                    let report = CertificateReport(certificate, status: certificate.status(at: time))
                    return json ? report.json(depth: 1) : report.text
                }
            }
            // The JSON is one pretty-printed array of the reports, as `JSONEncoder` writes it; the text is the blocks
            // each followed by an empty line. Written in one piece, without joining the blocks into a string first.
            var output = Data()
            output.reserveCapacity(blocks.reduce(16) { $0 + $1.utf8.count + 4 })
            func append(_ text: String) {
                var text = text
                text.withUTF8 { output.append($0) }
            }
            if json { append("[\n  ") }
            for (i, block) in blocks.enumerated() {
                if json && i > 0 { append(",\n  ") }
                append(block)
                if !json { append("\n") }
            }
            if json { append("\n]\n") }
            FileHandle.standardOutput.write(output)
        }
    }

    /// `stockade key minimize --address ADDR FILE [--armor] [-o OUT]`.
    struct Minimize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "minimize",
            abstract: "Reduce a certificate to what WKD and the key server publish for one address."
        )

        @Option(help: "The mail address whose user IDs are kept.")
        var address: String

        @Argument(help: "The certificate file, binary or ASCII-armored ('-' for standard input).")
        var file: String

        @Flag(help: "Write ASCII armor instead of binary.")
        var armor = false

        @Option(name: [.short, .customLong("output")], help: "Write to this file instead of standard output.")
        var output: String?

        @OptionGroup var timeOptions: KeyTimeOptions

        func validate() throws {
            guard MailAddress(address) != nil else { throw ValidationError("'\(address)' is not a mail address") }
            try checkReadable(file)
        }

        func run() async throws {
            let cert = try Certificate(bytes: readInput(file))
            let minimal = try cert.minimized(for: address, at: timeOptions.time)
            try writeOutput(armor ? Array(minimal.armored().utf8) : minimal.serialized, to: output)
        }
    }

    /// `stockade key merge A B [-o OUT]`.
    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge",
            abstract: "Merge two copies of the same certificate, keeping only signatures that verify."
        )

        @Argument(help: "The first copy.")
        var first: String

        @Argument(help: "The second copy.")
        var second: String

        @Flag(help: "Write ASCII armor instead of binary.")
        var armor = false

        @Option(name: [.short, .customLong("output")], help: "Write to this file instead of standard output.")
        var output: String?

        func validate() throws {
            try checkReadable(first)
            try checkReadable(second)
            guard !(first == "-" && second == "-") else { throw ValidationError("only one input can be standard input") }
        }

        func run() async throws {
            let merged = try Certificate(bytes: readInput(first)).merged(with: Certificate(bytes: readInput(second)))
            try writeOutput(armor ? Array(merged.armored().utf8) : merged.serialized, to: output)
        }
    }
}

/// What `key inspect` prints for one certificate.
struct CertificateReport {
    struct UserID {
        var value: String
        var address: String?
        var valid: Bool
        var revoked: Bool
        var primary: Bool
    }

    struct Subkey {
        var fingerprint: String
        var algorithm: String
        var flags: String
        var valid: Bool
        var created: String
        var expires: String?
        var revoked: Bool
        var expired: Bool
    }

    var fingerprint: String
    var version: Int
    var keyID: String
    var algorithm: String
    var created: String
    var expires: String?
    var revoked: Bool
    var revocationReason: String?
    var validity: String
    var userIDs: [UserID]
    var subkeys: [Subkey]

    init(_ cert: Certificate, status: CertificateStatus) {
        fingerprint = cert.fingerprint.description
        version = Int(cert.primaryKey.version)
        keyID = cert.keyID.description
        algorithm = cert.primaryKey.algorithmLabel
        created = ISO8601Timestamp.string(from: cert.primaryKey.created)
        expires = status.expiration.map(ISO8601Timestamp.string(from:))
        switch status.validity {
        case .valid: validity = "valid"
        case .expired: validity = "expired"
        case .revoked(let reason, _):
            validity = "revoked"
            revocationReason = reason.map { $0.text.isEmpty ? $0.name : "\($0.name): \($0.text)" } ?? "unspecified"
        case .invalid(let reason): validity = "invalid: \(reason)"
        }
        revoked = status.validity.isRevoked
        let certValid = status.validity.isValid
        userIDs = status.userIDs.map {
            UserID(value: $0.userID.value, address: $0.address?.description, valid: certValid && $0.validity.isValid,
                   revoked: $0.validity.isRevoked, primary: $0.isPrimary)
        }
        subkeys = status.subkeys.map {
            Subkey(fingerprint: $0.key.fingerprint.description, algorithm: $0.key.algorithmLabel, flags: $0.flags.description,
                   valid: certValid && $0.validity.isValid, created: ISO8601Timestamp.string(from: $0.key.created),
                   expires: $0.expiration.map(ISO8601Timestamp.string(from:)), revoked: $0.validity.isRevoked,
                   expired: $0.validity.isExpired)
        }
    }


    /// A human-readable block.
    var text: String {
        var lines = ["pub   \(algorithm) \(created)\(expires.map { " expires \($0)" } ?? "") [\(validity)\(revocationReason.map { ", \($0)" } ?? "")]",
                     "      \(fingerprint) (v\(version), key ID \(keyID))"]
        for u in userIDs {
            let state = u.revoked ? "revoked" : u.valid ? "valid" : "invalid"
            lines.append("uid   [\(state)\(u.primary ? ", primary" : "")] \(u.value)")
        }
        for s in subkeys {
            let state = s.revoked ? "revoked" : s.expired ? "expired" : s.valid ? "valid" : "invalid"
            lines.append("sub   \(s.algorithm) [\(s.flags)] \(s.created)\(s.expires.map { " expires \($0)" } ?? "") [\(state)]")
            lines.append("      \(s.fingerprint)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
