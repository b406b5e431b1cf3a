import DMARC
import DNS
import Foundation
import Logging
import ServiceLifecycle
import Store

/// Wires `dmarcReports` into `stockade serve`: the recorder the milter hands each checked message to, the daily job,
/// and the outbox that sends the report mail when the key server does not run one already.
enum DMARCReportSetup {
    /// - Parameter results: where the results are kept; `store`: the server's store, with the outbox.
    /// - Parameter outboxRunning: whether another part (the key server) already runs the outbox over this database.
    /// - Throws: ``ConfigurationError`` for settings out of range, no DKIM key for the `from` domain, or no `mail` relay.
    static func build(_ settings: DMARCReportSettings, configuration: ServerConfiguration, results: any DMARCResultStore,
                      store: any KeyServerStore, outboxRunning: Bool,
                      logger: Logger) throws -> (recorder: any AuthenticationRecorder, services: [any Service]) {
        if let hour = settings.sendHour, !(0...23).contains(hour) {
            throw ConfigurationError(reason: "dmarcReports.sendHour must be 0 to 23, got \(hour)")
        }
        if let size = settings.maxReportSize, size < 1024 {
            throw ConfigurationError(reason: "dmarcReports.maxReportSize must be at least 1024 octets, got \(size)")
        }
        if let days = settings.keepDays, !(1...60).contains(days) {
            throw ConfigurationError(reason: "dmarcReports.keepDays must be 1 to 60, got \(days)")
        }
        let signer = try signer(settings, milter: configuration.milter)
        let resolver = DNS.Resolver<ContinuousClock>(
            configuration: try configuration.resolver.map { try ResolverConfiguration(servers: [$0]) } ?? ResolverConfiguration.fromResolvConf())
        let job = DMARCReportJob(results: results, outbox: store, builder: DMARCReportBuilder(store: results, settings: settings),
                                 authorization: ReportDestinationAuthorization(dns: ResolverDMARCDNS(resolver: resolver)), signer: signer,
                                 settings: settings, logger: logger, now: Date.init)
        var services: [any Service] = [job]
        if !outboxRunning {
            guard let mail = configuration.mail else {
                throw ConfigurationError(reason: "dmarcReports needs a mail relay: add \"mail\": {\"relay\": \"host:port\"}")
            }
            let transport: any MailTransport = if let folder = mail.sink {
                try MailSink(folder: folder, from: settings.from)
            } else {
                try SMTPRelay(settings: mail, from: settings.from, resolver: configuration.resolver, logger: logger)
            }
            services.append(MailOutbox(store: store, transport: transport, logger: logger))
        }
        return (DMARCResultRecorder(store: results, logger: logger), services)
    }

    /// The DKIM signer of report mail: `dmarcReports.signing`, else the `milter.signing` entry of the `from` domain.
    static func signer(_ settings: DMARCReportSettings, milter: MilterSettings?) throws -> MilterSigners.Rotation {
        try signer(from: settings.from, signing: settings.signing, milter: milter, setting: "dmarcReports")
    }

    /// The DKIM signer of report mail from `from`: `signing`, else the `milter.signing` entry of its domain; errors
    /// name the `setting` (`dmarcReports`, `tlsrpt`).
    static func signer(from: String, signing: MilterSettings.Signing?, milter: MilterSettings?, setting: String) throws -> MilterSigners.Rotation {
        guard let at = from.lastIndex(of: "@") else {
            throw ConfigurationError(reason: "\(setting).from must be an address, got \(from)")
        }
        let domain = from[from.index(after: at)...].lowercased()
        let entry = signing ?? milter?.signing?.first { $0.domain.lowercased() == domain }
        guard let entry, entry.domain.lowercased() == domain else {
            throw ConfigurationError(reason: "\(setting) needs a DKIM key for \(domain), the domain of \(setting).from"
                                        + " (report mail must pass DMARC): set \(setting).signing or milter.signing")
        }
        let signers = try MilterSigners(MilterSettings(listen: "", authservID: "", signing: [entry]))
        guard let rotation = signers.rotations[domain] else { throw ConfigurationError(reason: "\(setting).signing: no key for \(domain)") }
        return rotation
    }
}
