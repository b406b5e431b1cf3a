import ArgumentParser
import DNS
import Foundation
import HTTPFetch
import OpenPGP
import WKD

/// `stockade wkd ...`: the Web Key Directory seen from a client.
struct WKDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wkd",
        abstract: "Web Key Directory: hashes, URLs and key lookups (draft-koch-openpgp-webkey-service).",
        subcommands: [Hash.self, URL.self, Fetch.self])

    struct AddressArgument: ParsableArguments {
        @Argument(help: "The email address.") var address: String

        func validate() throws {
            do { _ = try WKDAddress(address) } catch { throw ValidationError(error.reason) }
        }

        var value: WKDAddress { get throws { try WKDAddress(address) } }
    }

    struct Hash: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hash",
            abstract: "Print the 32-character hash of an address's local part.",
            discussion: "Example: stockade wkd hash Joe.Doe@Example.ORG  →  iy9q119eutrkn8s1mk4r39qejnbu3n5q")
        @OptionGroup var address: AddressArgument
        @Flag(help: "Print JSON: {\"address\", \"hash\"}.") var json = false

        func run() throws {
            let value = try address.value
            if json {
                try printJSON(["address": value.description, "hash": value.hash])
            } else {
                print(value.hash)
            }
        }
    }

    struct URL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "url",
            abstract: "Print the URL a key is looked up at (the advanced method unless --direct).",
            discussion: "Example: stockade wkd url alice@example.org --direct")
        @OptionGroup var address: AddressArgument
        @Flag(help: "The direct method's URL.") var direct = false
        @Flag(help: "Print JSON: {\"address\", \"method\", \"url\"}.") var json = false

        func run() throws {
            let method: WKDMethod = direct ? .direct : .advanced
            let url = try address.value.url(method)
            if json {
                try printJSON(["address": try address.value.description, "method": method.rawValue, "url": url])
            } else {
                print(url)
            }
        }
    }

    /// What `wkd fetch --json` prints.
    struct FetchReport: Encodable {
        let method: String
        let url: String
        let fingerprints: [String]
        let userIDs: [String]
    }

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fetch",
            abstract: "Fetch an address's key by WKD, as GnuPG would, keeping only that address's user ID.",
            discussion: "Example: stockade wkd fetch alice@example.org --armor -o alice.asc")
        @OptionGroup var address: AddressArgument
        @OptionGroup var resolverOptions: ResolverOptions
        @Option(name: .customLong("ca-file"), help: "Extra trust anchors (PEM), added to the system's.") var caFiles: [String] = []
        @Flag(help: "Write ASCII armor.") var armor = false
        @Option(name: .shortAndLong, help: "Write the key to this file instead of standard output.") var output: String?
        @Flag(help: "Print JSON about what was found ({\"method\", \"url\", \"fingerprints\", \"userIDs\"}); the key is written only with --output.")
        var json = false

        func run() async throws {
            let resolver = try resolverOptions.makeResolver()
            let fetcher = try HTTPFetcher(resolver: resolver, trustRoots: .systemPlus(pemFiles: caFiles))
            let result = try await WKDClient(fetcher: fetcher, resolver: resolver).fetch(try address.value)
            let binary = result.certificates.flatMap(\.serialized)
            let bytes = armor ? Array(result.certificates.map { $0.armored() }.joined().utf8) : binary
            if let output {
                try Data(bytes).write(to: Foundation.URL(fileURLWithPath: output))
            } else if !json {
                FileHandle.standardOutput.write(Data(bytes))
            }
            if json {
                try printJSON(FetchReport(method: result.method.rawValue, url: result.url,
                                          fingerprints: result.certificates.map(\.fingerprint.description),
                                          userIDs: result.certificates.flatMap { $0.userIDs.map(\.userID.value) }))
                return
            }
            let fingerprints = result.certificates.map(\.fingerprint.description).joined(separator: ", ")
            FileHandle.standardError.write(Data("\(result.method.rawValue): \(result.url) → \(fingerprints)\n".utf8))
        }
    }
}
