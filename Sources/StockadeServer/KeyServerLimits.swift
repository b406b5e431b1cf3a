import Foundation
import Hummingbird

/// The key server's rate limit: requests per client (every VKS, HKP and page request), counted per IPv4 address or
/// IPv6 /64 (``ClientAddress/limitKey``) and answered with 429 and `Retry-After` when exceeded. Lookups are never
/// limited per requested address — a third party must not be able to lock an address out — and the mails a request
/// can trigger are limited per address by the key server itself (one verification and one manage mail per address
/// per ``KeyServer/KeyServerConfiguration/mailInterval``).
struct KeyServerLimits: Sendable {
    let perClient: RateLimiter
    let trustedProxies: TrustedProxies

    init(_ settings: KeyServerSettings) throws {
        perClient = RateLimiter(limit: settings.requestsPerMinutePerClient ?? 120, window: 60)
        trustedProxies = try TrustedProxies(settings.trustedProxies ?? [], setting: "keyServer.trustedProxies")
    }
}

/// Counts every request against its client.
struct ClientRateLimitMiddleware: RouterMiddleware {
    let limits: KeyServerLimits

    func handle(_ request: Request, context: StockadeRequestContext,
                next: (Request, StockadeRequestContext) async throws -> Response) async throws -> Response {
        let peer = context.remoteAddress?.ipAddress.flatMap { ClientAddress(Substring($0)) }
        let key = ClientAddress.of(peer: peer, headers: request.headers, trusting: limits.trustedProxies)?.limitKey ?? "unknown"
        if let wait = limits.perClient.admit(key) {
            throw VKSError(status: .tooManyRequests, message: "too many requests from your address; retry in \(wait) s", retryAfter: wait)
        }
        return try await next(request, context)
    }
}
