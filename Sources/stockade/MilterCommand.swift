import ArgumentParser
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import StockadeServer
import UnixSignals

/// `stockade milter`: the SPF, DKIM and DMARC milter for Postfix, alone (what `"milter"` in `stockade serve`'s
/// configuration runs).
struct MilterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "milter",
        abstract: "Enforce DMARC in front of Postfix (smtpd_milters = inet:HOST:PORT).",
        discussion: """
            At the end of each message: SPF, DKIM and DMARC, one Authentication-Results header on top (headers forged \
            with our authserv-id removed), then 550 5.7.1 for a failing p=reject, a hold for p=quarantine, 451 4.7.1 \
            when DNS fails. Example: stockade milter --listen inet:127.0.0.1:8891 --authserv-id mx.example.org
            """)

    @Option(help: "Where to listen: inet:HOST:PORT or unix:PATH.") var listen = "inet:127.0.0.1:8891"
    @Option(help: "The authserv-id of the Authentication-Results header (default: this host's name).") var authservId: String?
    @Flag(help: "Hold failing p=reject mail instead of refusing it.") var noReject = false
    @Flag(help: "Deliver quarantined mail with the header instead of holding it.") var quarantineHeader = false
    @Option(help: ArgumentHelp("Sign outbound mail of DOMAIN (repeatable).", valueName: "domain:selector:keyfile")) var sign: [String] = []
    @Option(help: ArgumentHelp("The next selector of DOMAIN and when it takes over, RFC 3339 (repeatable).",
                               valueName: "domain:selector:keyfile:time")) var signNext: [String] = []
    @Option(help: "A network whose mail is outbound, signed not checked (repeatable), e.g. 127.0.0.0/8.") var trustedNetwork: [String] = []
    @Option(help: "A forwarder whose DMARC failures are accepted with the header (repeatable).") var trustedForwarder: [String] = []
    @Option(help: ArgumentHelp("An upstream whose dmarc=pass is believed on mail it hands over from NETWORK (repeatable).",
                               valueName: "authserv-id=network")) var trustedAuthservId: [String] = []
    @Option(help: "Octal mode of a unix:PATH socket, e.g. 660.") var socketMode: String?
    @Option(help: "Owning user of a unix:PATH socket.") var socketOwner: String?
    @Option(help: "Owning group of a unix:PATH socket, e.g. postfix.") var socketGroup: String?
    @OptionGroup var resolverOptions: ResolverOptions

    func run() async throws {
        var next: [String: MilterSettings.NextSelector] = [:]
        for entry in signNext {
            let parts = entry.split(separator: ":", maxSplits: 3).map(String.init)
            guard parts.count == 4 else { throw ValidationError("--sign-next must be domain:selector:keyfile:time, got \(entry)") }
            next[parts[0].lowercased()] = MilterSettings.NextSelector(selector: parts[1], key: parts[2], from: parts[3])
        }
        let signing = try sign.map { entry -> MilterSettings.Signing in
            let parts = entry.split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3 else { throw ValidationError("--sign must be domain:selector:keyfile, got \(entry)") }
            return MilterSettings.Signing(domain: parts[0], selector: parts[1], key: parts[2], next: next.removeValue(forKey: parts[0].lowercased()))
        }
        guard next.isEmpty else { throw ValidationError("--sign-next names a domain without --sign: \(next.keys.sorted().joined(separator: ", "))") }
        var upstreams: [String: [String]] = [:]
        for entry in trustedAuthservId {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--trusted-authserv-id must be authserv-id=network, got \(entry)") }
            upstreams[parts[0], default: []].append(parts[1])
        }
        let socket = socketMode == nil && socketOwner == nil && socketGroup == nil
            ? nil : MilterSettings.Socket(mode: socketMode, owner: socketOwner, group: socketGroup)
        let settings = MilterSettings(listen: listen, socket: socket, authservID: authservId ?? ProcessInfo.processInfo.hostName,
                                      reject: !noReject, quarantine: quarantineHeader ? .header : .hold, trustedForwarders: trustedForwarder,
                                      trustedAuthservIDs: upstreams, signing: signing, trustedNetworks: trustedNetwork)
        let logger = Logger(label: "stockade.milter")
        let service: any Service
        do {
            service = try MilterServiceSetup.service(settings, dns: try resolverOptions.makeResolver(), logger: logger, onBound: { address in
                FileHandle.standardError.write(Data("listening on \(address.ipAddress ?? "?"):\(address.port ?? 0)\n".utf8))
            })
        } catch let error as ConfigurationError {
            throw ValidationError(error.reason)
        }
        try await ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }
}
