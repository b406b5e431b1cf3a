public import DNS
public import Logging
import MailAuthentication
import Milter
public import NIOCore
public import ServiceLifecycle

/// Builds the authentication milter's server from the `milter` settings; `stockade serve` and `stockade milter` use it.
public enum MilterServiceSetup {
    /// - Parameter onBound: called with the bound address once listening.
    public static func service(_ settings: MilterSettings, dns: Resolver<ContinuousClock>, logger: Logger,
                               onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }) throws -> any Service {
        guard let address = MilterListenAddress(settings.listen) else {
            throw ConfigurationError(reason: "milter.listen must be inet:HOST:PORT or unix:PATH, got \(settings.listen)")
        }
        let policy = try AuthenticationMilterPolicy(settings)
        let filter = AuthenticationMilter(authenticator: MailAuthenticator(resolver: dns, receivingHost: policy.authservID), policy: policy,
                                          signers: try MilterSigners(settings), logger: logger)
        return EndsQuietlyOnShutdown(base: MilterServer(filter: filter, address: address, logger: logger, onBound: onBound))
    }

    /// The service over the configured resolver (`HOST:PORT`, or /etc/resolv.conf when nil).
    static func service(_ settings: MilterSettings, resolver: String?, logger: Logger) throws -> any Service {
        let dns = DNS.Resolver<ContinuousClock>(
            configuration: try resolver.map { try ResolverConfiguration(servers: [$0]) } ?? ResolverConfiguration.fromResolvConf())
        return try service(settings, dns: dns, logger: logger)
    }
}
