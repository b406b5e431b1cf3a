import DNS
import Foundation
import HTTPFetch
import Logging
import Reports
import ServiceLifecycle
import Store

/// Wires `tlsrpt` into `stockade serve`: the libtlsrpt collector socket, the daily report job, and the outbox that
/// sends report mail when no other part runs one.
enum TLSRPTSetup {
    /// The job and its wiring (also for `stockade tlsrpt send`), after checking the settings.
    /// - Parameter store: the session counts and the outbox.
    /// - Throws: ``ConfigurationError`` for settings out of range or no DKIM key for the `from` domain.
    static func job(_ settings: TLSRPTSettings, configuration: ServerConfiguration, store: any TLSSessionStore & KeyServerStore, logger: Logger,
                    now: @escaping @Sendable () -> Date) throws -> Wiring {
        if let hour = settings.sendHour, !(0...23).contains(hour) {
            throw ConfigurationError(reason: "tlsrpt.sendHour must be 0 to 23, got \(hour)")
        }
        if let days = settings.keepDays, !(1...60).contains(days) {
            throw ConfigurationError(reason: "tlsrpt.keepDays must be 1 to 60, got \(days)")
        }
        for (name, value) in [("orgName", settings.orgName), ("submitter", settings.submitter), ("contact", settings.contact)] where value.isEmpty {
            throw ConfigurationError(reason: "tlsrpt.\(name) must not be empty")
        }
        let signer = try DMARCReportSetup.signer(from: settings.from, signing: settings.signing, milter: configuration.milter, setting: "tlsrpt")
        let resolver = DNS.Resolver<ContinuousClock>(
            configuration: try configuration.resolver.map { try ResolverConfiguration(servers: [$0]) } ?? ResolverConfiguration.fromResolvConf())
        let fetcher: HTTPFetcher
        do {
            fetcher = try HTTPFetcher(resolver: resolver, trustRoots: .systemPlus(pemFiles: settings.caFile.map { [$0] } ?? []))
        } catch {
            throw ConfigurationError(reason: "tlsrpt.caFile: \(error)")
        }
        let builder = TLSReportBuilder(store: store, organizationName: settings.orgName, contactInfo: settings.contact, submitter: settings.submitter)
        let job = TLSRPTReportJob(sessions: store, outbox: store, builder: builder, resolver: resolver, fetcher: fetcher, signer: signer,
                                  settings: settings, logger: logger, now: now)
        return Wiring(settings: settings, configuration: configuration, store: store, job: job, logger: logger)
    }

    /// The job and what runs beside it.
    struct Wiring {
        let settings: TLSRPTSettings
        let configuration: ServerConfiguration
        let store: any TLSSessionStore & KeyServerStore
        let job: TLSRPTReportJob
        let logger: Logger

        /// The outbox's session counter.
        var outboxSessions: OutboxTLSSessions { OutboxTLSSessions(recorder: TLSSessionRecorder(store: store), logger: logger) }

        /// The job, the collector when configured, and an outbox unless `outboxRunning` (the key server or DMARC
        /// reports run one); without a `mail` relay that is a ``ConfigurationError``.
        func services(outboxRunning: Bool) throws -> [any Service] {
            var services: [any Service] = [job]
            if let path = settings.collector {
                services.append(TLSRPTCollector(path: path, recorder: TLSSessionRecorder(store: store), logger: logger))
            }
            if !outboxRunning {
                guard let mail = configuration.mail else {
                    throw ConfigurationError(reason: "tlsrpt needs a mail relay for mailto: destinations: add \"mail\": {\"relay\": \"host:port\"}")
                }
                let transport: any MailTransport
                if let folder = mail.sink {
                    transport = try MailSink(folder: folder, from: settings.from)
                } else {
                    var relay = try SMTPRelay(settings: mail, from: settings.from, resolver: configuration.resolver, logger: logger)
                    relay.tlsSessions = outboxSessions
                    transport = relay
                }
                services.append(MailOutbox(store: store, transport: transport, logger: logger))
            }
            return services
        }
    }
}
