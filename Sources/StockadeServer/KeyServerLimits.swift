import Foundation
import Hummingbird

/// The key server's rate limits: per client address (every VKS, HKP and page request) and per requested address
/// (lookups by email and verification requests), each answered with 429 and `Retry-After` when exceeded.
struct KeyServerLimits: Sendable {
    let perClient: RateLimiter
    let perEmail: RateLimiter

    func admitEmail(_ address: String) throws {
        if let wait = perEmail.admit(address) {
            throw VKSError(status: .tooManyRequests, message: "too many requests for \(address); retry in \(wait) s", retryAfter: wait)
        }
    }
}

/// Counts every request against its client address.
struct ClientRateLimitMiddleware: RouterMiddleware {
    let limiter: RateLimiter

    func handle(_ request: Request, context: StockadeRequestContext,
                next: (Request, StockadeRequestContext) async throws -> Response) async throws -> Response {
        if let wait = limiter.admit(context.clientAddress) {
            throw VKSError(status: .tooManyRequests, message: "too many requests from \(context.clientAddress); retry in \(wait) s",
                           retryAfter: wait)
        }
        return try await next(request, context)
    }
}
