public import DNS
public import Logging
import MailAuthentication
import Milter
public import NIOCore
public import ServiceLifecycle

/// Builds the authentication milter's server from the `milter` settings; `stockade serve` and `stockade milter` use it.
public enum MilterServiceSetup {
    /// - Parameters:
    ///   - onBound: called with the bound address once listening.
    ///   - recorder: receives each checked message for the DMARC aggregate reports (`dmarcReports`); nil: none.
    public static func service(_ settings: MilterSettings, dns: Resolver<ContinuousClock>, logger: Logger,
                               onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in },
                               recorder: (any AuthenticationRecorder)? = nil) throws -> any Service {
        guard let address = MilterListenAddress(settings.listen) else {
            throw ConfigurationError(reason: "milter.listen must be inet:HOST:PORT or unix:PATH, got \(settings.listen)")
        }
        var permissions: MilterSocketPermissions?
        if let socket = settings.socket {
            let mode = try socket.mode.map { text in
                guard let mode = Int(text, radix: 8) else { throw ConfigurationError(reason: "milter.socket.mode must be octal, e.g. 660, got \(text)") }
                return mode
            }
            guard let parsed = MilterSocketPermissions(mode: mode, owner: socket.owner, group: socket.group) else {
                throw ConfigurationError(reason: "milter.socket.mode must be at most 777")
            }
            permissions = parsed
        }
        let policy = try AuthenticationMilterPolicy(settings)
        let filter = AuthenticationMilter(authenticator: MailAuthenticator(resolver: dns, receivingHost: policy.authservID), policy: policy,
                                          signers: try MilterSigners(settings), logger: logger, recorder: recorder)
        return EndsQuietlyOnShutdown(base: MilterServer(filter: filter, address: address, socketPermissions: permissions,
                                                       logger: logger, onBound: onBound))
    }

    /// The service over the configured resolver (`HOST:PORT`, or /etc/resolv.conf when nil).
    static func service(_ settings: MilterSettings, resolver: String?, logger: Logger,
                        recorder: (any AuthenticationRecorder)? = nil) throws -> any Service {
        let dns = DNS.Resolver<ContinuousClock>(
            configuration: try resolver.map { try ResolverConfiguration(servers: [$0]) } ?? ResolverConfiguration.fromResolvConf())
        return try service(settings, dns: dns, logger: logger, recorder: recorder)
    }
}
