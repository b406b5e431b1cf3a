import Foundation
import Hummingbird
import KeyServer
import Logging
import Metrics
import Prometheus
import Store
import ServiceLifecycle
import Synchronization

/// `"metrics"` in the configuration: Prometheus metrics on a listener of their own, never on the public one.
public struct MetricsSettings: Codable, Sendable, Equatable {
    /// `HOST:PORT` of the metrics listener, e.g. `127.0.0.1:9464`; `GET /metrics` answers in the Prometheus text format.
    public var listen: String

    public init(listen: String) { self.listen = listen }
}

/// The process's metrics: swift-metrics bootstrapped once with a Prometheus registry, and the listener that serves it.
///
/// What is counted: HTTP requests by route, method and status with their latency (Hummingbird's `MetricsMiddleware`:
/// `hb_requests_total`, `hb_request_duration_seconds`, `hb_active_requests`), socketmap lookups by reply and policy
/// source (`stockade_socketmap_lookups_total`), mail the outbox sent or failed to send
/// (`stockade_outbox_attempts_total`) and what it holds (`stockade_outbox_messages{state="queued|dead"}`), key-server
/// uploads and verifications (`stockade_keyserver_uploads_total`, `stockade_keyserver_verifications_total`) by result,
/// DNS queries by response code and DNSSEC status (`stockade_dns_queries_total`, from the `DNS` library), and MTA-STS
/// policy fetches by result or failure reason (`stockade_mtasts_policy_fetches_total`, from the `MTASTS` library).
enum MetricsEndpoint {
    private static let registry = Mutex<PrometheusCollectorRegistry?>(nil)

    /// The registry every metric of this process goes to, bootstrapping swift-metrics on the first call.
    static func bootstrapped() -> PrometheusCollectorRegistry {
        registry.withLock { current in
            if let current { return current }
            let made = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: made))
            current = made
            return made
        }
    }

    /// The metrics listener: `GET /metrics` and nothing else.
    static func service(_ settings: MetricsSettings, logger: Logger) throws -> some Service {
        let (host, port) = try ServerConfiguration.hostAndPort(settings.listen, setting: "metrics.listen")
        let registry = bootstrapped()
        let router = Router()
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "Stockade metrics"),
                           logger: logger)
    }
}

/// Counts what the outbox's transport did: `stockade_outbox_attempts_total{result="sent|transient-failure|permanent-failure"}`.
struct CountedTransport: MailTransport {
    let base: any MailTransport

    func send(_ mail: OutgoingMailRecord) async throws(MailTransportFailure) {
        do {
            try await base.send(mail)
            Counter(label: "stockade_outbox_attempts_total", dimensions: [("result", "sent")]).increment()
        } catch {
            Counter(label: "stockade_outbox_attempts_total",
                    dimensions: [("result", error.transient ? "transient-failure" : "permanent-failure")]).increment()
            throw error
        }
    }
}
