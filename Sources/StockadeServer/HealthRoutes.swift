import Hummingbird

/// `GET /health`: a liveness check for load balancers and the demo.
struct HealthRoutes {
    let configuration: ServerConfiguration

    struct Status: ResponseEncodable {
        let status: String
        let version: String
        let domains: [String]
    }

    func add(to router: Router<StockadeRequestContext>) {
        let domains = configuration.domains.map(\.name)
        router.get("/health") { _, _ in
            Status(status: "ok", version: StockadeApplication.version, domains: domains)
        }
    }
}
