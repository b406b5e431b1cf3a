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
            abstract: "Print the 32-character hash of an address's local part.",
            discussion: "Example: stockade wkd hash Joe.Doe@Example.ORG  →  iy9q119eutrkn8s1mk4r39qejnbu3n5q")
        @OptionGroup var address: AddressArgument

        func run() throws { print(try address.value.hash) }
    }

    struct URL: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the URL a key is looked up at (the advanced method unless --direct).",
            discussion: "Example: stockade wkd url alice@example.org --direct")
        @OptionGroup var address: AddressArgument
        @Flag(help: "The direct method's URL.") var direct = false

        func run() throws { print(try address.value.url(direct ? .direct : .advanced)) }
    }

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch an address's key by WKD, as GnuPG would, keeping only that address's user ID.",
            discussion: "Example: stockade wkd fetch alice@example.org --armor -o alice.asc")
        @OptionGroup var address: AddressArgument
        @OptionGroup var resolverOptions: ResolverOptions
        @Option(name: .customLong("ca-file"), help: "Extra trust anchors (PEM), added to the system's.") var caFiles: [String] = []
        @Flag(help: "Write ASCII armor.") var armor = false
        @Option(name: .shortAndLong, help: "Write the key to this file instead of standard output.") var output: String?

        func run() async throws {
            let resolver = try resolverOptions.makeResolver()
            let fetcher = try HTTPFetcher(resolver: resolver, trustRoots: .systemPlus(pemFiles: caFiles))
            let result = try await WKDClient(fetcher: fetcher, resolver: resolver).fetch(try address.value)
            let binary = result.certificates.flatMap(\.serialized)
            let bytes = armor ? Array(result.certificates.map { $0.armored() }.joined().utf8) : binary
            if let output {
                try Data(bytes).write(to: Foundation.URL(fileURLWithPath: output))
            } else {
                FileHandle.standardOutput.write(Data(bytes))
            }
            let fingerprints = result.certificates.map(\.fingerprint.description).joined(separator: ", ")
            FileHandle.standardError.write(Data("\(result.method.rawValue): \(result.url) → \(fingerprints)\n".utf8))
        }
    }
}
