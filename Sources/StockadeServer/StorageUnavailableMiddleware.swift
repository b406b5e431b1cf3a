import Directory
import Hummingbird
import Logging

/// Answers 503 with `Retry-After` when the store failed (a shared database that is down or does not answer within its
/// operation timeout), for every route: clients and load balancers retry, nothing is cached as an answer, and the
/// store's reason is logged, never sent.
struct StorageUnavailableMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as DirectoryError where error.code == .storage {
            context.logger.error("storage unavailable", metadata: ["reason": "\(error.reason)"])
            return Response(status: .serviceUnavailable,
                            headers: [.contentType: "text/plain", .retryAfter: "5", .accessControlAllowOrigin: "*"],
                            body: .init(byteBuffer: ByteBuffer(string: "temporarily unavailable; try again later\n")))
        }
    }
}
