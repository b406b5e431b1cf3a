import Foundation
import Logging
import MTASTS
import ServiceLifecycle

/// Re-fetches cached MTA-STS policies before they expire (RFC 8461 §5.1 recommends refreshing well before max_age),
/// so that a policy stays in force for domains that send no mail for a while, and an attacker who later blocks the
/// policy host cannot make it lapse.
struct PolicyRefresher: Service {
    let resolver: MTASTSResolver
    let logger: Logger
    /// How often the cache is scanned; policies with less than a quarter of their max_age left are fetched again.
    var interval: Duration = .seconds(3600)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            for policy in await resolver.dueForRefresh(at: Date()) {
                let result = await resolver.refresh(policy.domain)
                logger.info("MTA-STS policy refreshed", metadata: ["domain": "\(policy.domain)", "source": "\(result.source.rawValue)",
                                                                   "reason": "\(result.reason ?? "")"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
