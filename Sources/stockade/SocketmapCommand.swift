import ArgumentParser
import DNS
import Foundation
import HTTPFetch
import Logging
import MTASTS
import NIOCore
import PostfixPolicy
import ServiceLifecycle
import UnixSignals

/// `stockade socketmap`: the MTA-STS policy service for Postfix, alone (library `PostfixPolicy`).
struct SocketmapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "socketmap",
        abstract: "Serve MTA-STS policies to Postfix (smtp_tls_policy_maps = socketmap:inet:HOST:PORT:postfix).",
        discussion: """
            Replies like postfix-mta-sts-resolver 1.5.1: OK secure match=... servername=hostname for enforce policies,
            NOTFOUND otherwise; DANE takes precedence (OK dane-only) when every MX host has DNSSEC-secure TLSA records.
            Example: stockade socketmap --listen 127.0.0.1:8461
            """)

    @Option(help: "Address and port to listen on.") var listen = "127.0.0.1:8461"
    @OptionGroup var fetch: MTASTSCommand.FetchOptions
    @Flag(help: "Enforce testing policies too.") var strictTesting = false
    @Flag(help: "Do not add servername=hostname.") var noRequireSNI = false
    @Flag(help: "Add TLSRPT attributes for Postfix 3.10 and newer.") var tlsrpt = false
    @Flag(help: "Answer MTA-STS even where DANE applies (as postfix-mta-sts-resolver does).") var noDanePrecedence = false

    func run() async throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw ValidationError("--listen must be HOST:PORT")
        }
        var options = PolicyResponderOptions()
        options.strictTesting = strictTesting
        options.requireSNI = !noRequireSNI
        options.tlsrpt = tlsrpt
        options.danePrecedence = !noDanePrecedence
        let dns = try fetch.resolverOptions.makeResolver()
        let logger = Logger(label: "stockade.socketmap")
        let server = SocketmapServer(
            responder: PolicyResponder(policies: try fetch.makeResolver(), dns: dns, options: options),
            host: String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port, logger: logger,
            onBound: { address in FileHandle.standardError.write(Data("listening on \(address.ipAddress ?? "?"):\(address.port ?? 0)\n".utf8)) })
        try await ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }
}
