public import Foundation
public import Logging
public import Store
import TLSRPT

/// What one round of TLS report sending did (the daily ``TLSRPTReportJob``, `stockade tlsrpt send`).
public struct TLSRPTSendRound: Sendable, Equatable {
    /// Reports built: one per policy domain and day with counts, claimed by this run.
    public var reports = 0
    /// Reports an `https:` destination accepted with a 2xx status (RFC 8460 §5.3.2).
    public var posts = 0
    /// Report mails queued in the outbox, one per `mailto:` destination (RFC 8460 §5.3.1).
    public var mails = 0
    /// Domains without a usable `_smtp._tls` record: nothing is sent.
    public var noRecord = 0
    /// Destinations that refused or could not be reached, and reports that could not be built or queued.
    public var failures = 0

    public init(reports: Int = 0, posts: Int = 0, mails: Int = 0, noRecord: Int = 0, failures: Int = 0) {
        self.reports = reports
        self.posts = posts
        self.mails = mails
        self.noRecord = noRecord
        self.failures = failures
    }

    /// Runs the report job of `configuration.tlsrpt` once, now, for the UTC day starting at `day`: every recipient
    /// domain with counts that day, or only `domain`. A domain and day already claimed (sent by a server or an earlier
    /// run) is skipped. Mails are queued in `store`'s outbox, which `stockade serve` sends through `mail`.
    /// - Parameters:
    ///   - day: midnight UTC of the day reported.
    ///   - store: the store `stockade serve` keeps the session counts and the outbox in.
    /// - Throws: ``ConfigurationError`` when the configuration has no `tlsrpt` or settings ``TLSRPTSetup`` refuses.
    public static func once(day: Date, domain: String? = nil, configuration: ServerConfiguration, store: any TLSSessionStore & KeyServerStore,
                            logger: Logger) async throws -> TLSRPTSendRound {
        guard let settings = configuration.tlsrpt else { throw ConfigurationError(reason: "the configuration has no tlsrpt section") }
        let wiring = try TLSRPTSetup.job(settings, configuration: configuration, store: store, logger: logger, now: Date.init)
        var round = TLSRPTSendRound()
        if let domain {
            await wiring.job.send(domain: Policy.normalized(domain), day: day, at: Date(), round: &round)
        } else {
            await wiring.job.send(day: day, at: Date(), round: &round)
        }
        return round
    }
}
