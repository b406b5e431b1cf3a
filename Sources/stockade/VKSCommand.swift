import ArgumentParser
import Foundation
import OpenPGP
import VKS

/// `stockade vks …`: a client of a keys.openpgp.org-style key server (VKS API v1).
struct VKSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vks",
        abstract: "Ask a key server (keys.openpgp.org VKS API v1): get, upload, request verification.",
        subcommands: [Get.self, Upload.self, RequestVerify.self])

    /// `stockade vks get FPR|KEYID|EMAIL`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get",
            abstract: "Fetch keys by fingerprint, 16-digit key ID or verified email address.",
            discussion: "Example: stockade vks get alice@example.org --armor -o alice.asc")
        @Argument(help: "A fingerprint (40 or 64 hex digits), a 16-digit key ID or an email address.") var query: String
        @OptionGroup var keyServer: KeyServerOptions
        @Flag(help: "Write ASCII armor.") var armor = false
        @Option(name: .shortAndLong, help: "Write the keys to this file instead of standard output.") var output: String?

        func validate() throws {
            guard HKPSearch(query) != nil else { throw ValidationError("\"\(query)\" is not a fingerprint, a 16-digit key ID or an email address") }
        }

        func run() async throws {
            guard let search = HKPSearch(query) else { return }
            let certificates = try await keyServer.makeClient().certificates(search)
            guard !certificates.isEmpty else {
                FileHandle.standardError.write(Data("no key found for \(query)\n".utf8))
                throw ExitCode(2)
            }
            let bytes = armor ? Array(certificates.map { $0.armored() }.joined().utf8) : certificates.flatMap(\.serialized)
            if let output {
                try Data(bytes).write(to: URL(fileURLWithPath: output))
            } else {
                FileHandle.standardOutput.write(Data(bytes))
            }
            FileHandle.standardError.write(Data("\(certificates.map(\.fingerprint.description).joined(separator: ", "))\n".utf8))
        }
    }

    /// `stockade vks upload FILE`.
    struct Upload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "upload",
            abstract: "Upload a key (armored or binary); prints its fingerprint, each address's state and the token.",
            discussion: "Example: stockade vks upload alice.asc")
        @Argument(help: "The key file, binary or ASCII-armored ('-' for standard input).") var file: String
        @OptionGroup var keyServer: KeyServerOptions
        @Flag(help: "Print JSON (the server's answer) instead of text.") var json = false

        func run() async throws {
            let certificate = try Certificate(bytes: readFile(file))
            let response = try await keyServer.makeClient().upload(certificate.armored())
            try VKSCommand.report(response, json: json)
        }
    }

    /// `stockade vks request-verify --token T ADDR...`.
    struct RequestVerify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "request-verify",
            abstract: "Ask the key server to mail a verification link to each address of an uploaded key.",
            discussion: "Example: stockade vks request-verify --token TOKEN alice@example.org")
        @Option(parsing: .unconditional, help: "The token from `vks upload` (taken as is, even when it starts with a dash).")
        var token: String
        @Argument(help: "Addresses of the uploaded key.") var addresses: [String]
        @OptionGroup var keyServer: KeyServerOptions
        @Flag(help: "Print JSON (the server's answer) instead of text.") var json = false

        func validate() throws {
            guard !addresses.isEmpty else { throw ValidationError("name at least one address") }
        }

        func run() async throws {
            try VKSCommand.report(try await keyServer.makeClient().requestVerify(token: token, addresses: addresses), json: json)
        }
    }

    /// Prints an upload or verification answer: `key_fpr`, one line per address with its state, `token`.
    static func report(_ response: VKSUploadResponse, json: Bool) throws {
        if json { return try printJSON(response) }
        print("key_fpr: \(response.keyFingerprint)")
        for (address, state) in response.status.sorted(by: { $0.key < $1.key }) { print("\(address): \(state.rawValue)") }
        print("token: \(response.token)")
    }
}
