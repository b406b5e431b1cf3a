import ArgumentParser
import Foundation
import KeyLookup
import OpenPGP
import WKD

/// `stockade lookup ADDR`: the key of an address, WKD first, then the key server, refreshed from the key server.
struct LookupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Find an address's key: WKD first, else the key server by email; then refresh it from the key server.",
        discussion: "Example: stockade lookup alice@example.org --json")
    @Argument(help: "The email address.") var address: String
    @OptionGroup var keyServer: KeyServerOptions
    @Option(name: .customLong("wkd-port"), help: "The HTTPS port of the WKD hosts.") var wkdPort = 443
    @OptionGroup var timeOptions: KeyTimeOptions
    @Flag(help: "Print JSON instead of text.") var json = false
    @Flag(help: "Write the key as ASCII armor.") var armor = false
    @Option(name: .shortAndLong, help: "Write the key to this file.") var output: String?

    func validate() throws {
        do { _ = try WKDAddress(address) } catch { throw ValidationError(error.reason) }
        guard (1...65_535).contains(wkdPort) else { throw ValidationError("--wkd-port must be between 1 and 65535") }
    }

    func run() async throws {
        let fetcher = try keyServer.makeFetcher()
        let wkd = WKDClient(fetcher: fetcher, resolver: try keyServer.resolverOptions.makeResolver(), port: wkdPort)
        let lookup = KeyLookup(wkd: wkd, keyServer: try keyServer.makeClient())
        let time = timeOptions.time
        let result = try await lookup.lookup(try WKDAddress(address), at: time)
        if let output {
            let bytes = armor ? Array(result.certificate.armored().utf8) : result.certificate.serialized
            try Data(bytes).write(to: URL(fileURLWithPath: output))
        }
        let report = LookupReport(result, at: time)
        if json { return try printJSON(report) }
        print("fingerprint: \(report.fingerprint)")
        print("source: \(report.source.rawValue)")
        print("status: \(report.status.rawValue)")
        print("refresh: \(report.refresh)")
        for userID in report.userIDs { print("uid: \(userID)") }
        if let reason = report.wkdReason { print("wkd: \(reason)") }
        if let reason = report.vksReason { print("vks: \(reason)") }
    }
}

/// What `lookup` prints.
struct LookupReport: Encodable {
    let address: String
    let fingerprint: String
    let source: KeyLookupResult.Source
    let status: KeyLookupResult.Status
    /// `changed`, `unchanged`, `not on key server` or `failed: REASON`.
    let refresh: String
    let refreshChanged: Bool
    /// The user IDs valid at the time asked about.
    let userIDs: [String]
    let wkdReason: String?
    let vksReason: String?

    init(_ result: KeyLookupResult, at time: Date) {
        address = result.address
        fingerprint = result.fingerprint
        source = result.source
        status = result.status
        refresh = switch result.refresh {
        case .changed: "changed"
        case .unchanged: "unchanged"
        case .notOnKeyServer: "not on key server"
        case .failed(let reason): "failed: \(reason)"
        }
        refreshChanged = result.refreshChanged
        userIDs = result.certificate.status(at: time).userIDs.filter { $0.validity.isValid }.map(\.userID.value)
        wkdReason = result.wkdReason
        vksReason = result.vksReason
    }
}
