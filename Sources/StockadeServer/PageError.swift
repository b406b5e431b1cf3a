import Hummingbird
import KeyServer
import Logging

/// A refusal shown as a page (`error.mustache`) with its reason; a `detail` (why the server failed) is logged, never
/// shown. ``PageErrorMiddleware`` renders it.
struct PageError: Error {
    let status: HTTPResponse.Status
    let message: String
    var detail: String?
}

/// Answers a ``PageError`` thrown by a page with the error page, keeping its status.
struct PageErrorMiddleware: RouterMiddleware {
    let templates: PageTemplates

    func handle(_ request: Request, context: StockadeRequestContext,
                next: (Request, StockadeRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as PageError {
            if let detail = error.detail { context.logger.error("key server unavailable", metadata: ["reason": "\(detail)"]) }
            return templates.response(.error, title: "Sorry", view: error, status: error.status)
        }
    }
}

/// Runs a key-server action for a page, turning its refusal into a ``PageError``.
func pageCall<T>(_ body: () async throws(KeyServerError) -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw PageError(status: error.httpStatus, message: error.publicReason, detail: error.kind == .unavailable ? error.reason : nil)
    }
}
