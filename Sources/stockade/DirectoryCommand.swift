import ArgumentParser
import Directory
import Foundation
import OpenPGP
import Store
import StockadeServer

/// Where the directory lives: `--database`, else the configuration's data directory.
struct StoreOptions: ParsableArguments {
    @Option(help: "The server configuration (JSON); its dataDirectory holds the database.") var config: String?
    @Option(help: "The SQLite database file (overrides --config).") var database: String?

    func directory() throws -> Directory {
        let path: String
        if let database {
            path = database
        } else {
            let configuration = try config.map(ServerConfiguration.load) ?? ServerConfiguration()
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            path = configuration.databasePath
        }
        return Directory(store: try SQLiteStore(path: path))
    }
}

/// `stockade directory ...`: administration of domains, accounts, aliases and keys.
struct DirectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory",
        abstract: "Manage served domains, accounts, aliases and keys.",
        subcommands: [Domain.self, Account.self, Alias.self, Key.self, Address.self])

    struct Domain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "domain", abstract: "Serve a domain, or list them.", subcommands: [Add.self, List.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "Serve a domain.", discussion: "Example: stockade directory domain add example.org --kind provider")
            @Argument(help: "The domain.") var name: String
            @Option(help: "provider (aliases are permanent) or hosted (a customer's domain).") var kind: DomainKind = .provider
            @OptionGroup var store: StoreOptions
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                let domain = try await store.directory().addDomain(name, kind: kind)
                try report(json, "domain \(domain.name) (\(domain.kind.rawValue)) added", ["domain": domain.name, "kind": domain.kind.rawValue])
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List served domains.")
            @OptionGroup var store: StoreOptions
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                let domains = try await store.directory().domains()
                if json {
                    try printJSON(domains.map { ["name": $0.name, "kind": $0.kind.rawValue] })
                } else {
                    for domain in domains { print("\(domain.name)\t\(domain.kind.rawValue)") }
                }
            }
        }
    }

    struct Account: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "account", abstract: "Create or close an account.", subcommands: [Add.self, Close.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "Create an account with its primary address.",
                discussion: "Example: stockade directory account add alice --primary alice@example.org")
            @Argument(help: "The account id.") var id: String
            @Option(help: "The primary address.") var primary: String
            @OptionGroup var store: StoreOptions
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                try await store.directory().createAccount(id: id, primaryAddress: primary)
                try report(json, "account \(id) created with \(primary)", ["account": id, "primary": primary])
            }
        }

        struct Close: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "close", abstract: "Close an account; its addresses are never reassigned.")
            @Argument(help: "The account id.") var id: String
            @OptionGroup var store: StoreOptions
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                try await store.directory().closeAccount(id)
                try report(json, "account \(id) closed", ["account": id, "status": "closed"])
            }
        }
    }

    struct Alias: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "alias", abstract: "Add or remove an alias.", subcommands: [Add.self, Remove.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "Add an alias to an account.", discussion: "Example: stockade directory alias add a.l@example.org --account alice")
            @Argument(help: "The alias address.") var address: String
            @Option(help: "The account id.") var account: String
            @OptionGroup var store: StoreOptions
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                let row = try await store.directory().addAlias(address, to: account)
                try report(json, "alias \(row.display) belongs to \(row.accountID)", ["alias": row.display, "account": row.accountID])
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove an alias on a hosted domain (provider-domain aliases are permanent).")
            @Argument(help: "The alias address.") var address: String
            @OptionGroup var store: StoreOptions
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                try await store.directory().removeAlias(address)
                try report(json, "alias \(address) removed (it stays reserved to its account)", ["alias": address, "status": "removed"])
            }
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "key", abstract: "Import a key or associate it with an address.", subcommands: [Import.self, Associate.self])

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "import",
                abstract: "Import (or update) an account's OpenPGP certificate.",
                discussion: "Example: stockade directory key import alice.asc --account alice")
            @Argument(help: "The certificate, armored or binary.") var file: String
            @Option(help: "The account id.") var account: String
            @OptionGroup var store: StoreOptions
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: file)))
                let key = try await store.directory().importKey(bytes, accountID: account)
                try report(json, "key \(key.fingerprint) stored for \(account)", ["fingerprint": "\(key.fingerprint)", "account": account])
            }
        }

        struct Associate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "associate",
                abstract: "Publish a key for one of its account's addresses.",
                discussion: "Example: stockade directory key associate alice@example.org 0123...CDEF")
            @Argument(help: "The address.") var address: String
            @Argument(help: "The key's fingerprint.") var fingerprint: String
            @OptionGroup var store: StoreOptions
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                try await store.directory().associate(address: address, fingerprint: fingerprint)
                try report(json, "\(address) → \(fingerprint.uppercased())", ["address": address, "fingerprint": fingerprint.uppercased()])
            }
        }
    }

    struct Address: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "address", abstract: "Show an address and whether its key is published.", subcommands: [Show.self])

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show",
                abstract: "Show an address: account, role, key, and the publication decision.",
                discussion: "Example: stockade directory address show alice@example.org --json")
            @Argument(help: "The address.") var address: String
            @OptionGroup var store: StoreOptions
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                let report = try await store.directory().status(of: address)
                if json {
                    try printJSON(report)
                } else {
                    print("address: \(report.address)\naccount: \(report.account)\nrole: \(report.role)\nstatus: \(report.status)")
                    print("key: \(report.key ?? "none")\npublished: \(report.published)" + (report.reason.map { "\nreason: \($0)" } ?? ""))
                }
            }
        }
    }
}

/// What a directory command did: a sentence, or with `--json` its fields as one key-sorted JSON object.
private func report(_ json: Bool, _ sentence: String, _ fields: [String: String]) throws {
    if json { try printJSON(fields) } else { print(sentence) }
}
