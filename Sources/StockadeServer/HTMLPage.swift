import Foundation
import Hummingbird
import KeyServer
import Logging

/// Server-rendered pages: one template, everything interpolated escaped, no JavaScript.
enum HTMLPage {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A whole document; `body` must already be escaped HTML.
    static func response(title: String, body: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Stockade key server</title>
            <style>body{font-family:sans-serif;max-width:46em;margin:2em auto;padding:0 1em}code{word-break:break-all}</style>
            </head>
            <body>
            <nav><a href="/">Search</a> · <a href="/upload">Upload</a> · <a href="/manage">Manage</a></nav>
            <h1>\(escape(title))</h1>
            \(body)
            </body>
            </html>

            """
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// `application/x-www-form-urlencoded` fields in order (repeated names kept), at most 1 000 of them.
struct FormFields {
    let fields: [(name: String, value: String)]

    /// - Throws: 400 for more than 1 000 fields or a malformed percent-escape (`%zz`, a cut `%4`, bytes that are not
    ///   UTF-8).
    init(_ text: String) throws {
        var fields: [(String, String)] = []
        for pair in text.split(separator: "&") {
            guard fields.count < 1000 else { throw VKSError(status: .badRequest, message: "too many form fields") }
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            fields.append((try Self.decode(parts[0]), parts.count > 1 ? try Self.decode(parts[1]) : ""))
        }
        self.fields = fields
    }

    subscript(name: String) -> String? { fields.first { $0.name == name }?.value }

    /// The value of a field that must appear exactly once.
    /// - Throws: 400 when it is missing or repeated.
    func single(_ name: String) throws -> String {
        let values = fields.filter { $0.name == name }
        guard values.count == 1 else {
            throw VKSError(status: .badRequest, message: values.isEmpty ? "no \(name) field" : "the \(name) field is given \(values.count) times")
        }
        return values[0].value
    }

    private static func decode(_ s: Substring) throws -> String {
        let plus = s.replacingOccurrences(of: "+", with: " ")
        guard let decoded = plus.removingPercentEncoding else {
            throw VKSError(status: .badRequest, message: "malformed form encoding: a % must start a UTF-8 escape such as %40")
        }
        return decoded
    }
}

/// A refusal shown as a page with its reason; a `detail` (why the server failed) is logged, never shown.
struct PageError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    var detail: String?

    func response(from request: Request, context: some RequestContext) throws -> Response {
        if let detail { context.logger.error("key server unavailable", metadata: ["reason": "\(detail)"]) }
        return HTMLPage.response(title: "Sorry", body: "<p id=\"error\">\(HTMLPage.escape(message))</p>", status: status)
    }
}

/// Runs a key-server action for a page, answering its refusal as an HTML page.
func pageCall<T>(_ body: () async throws(KeyServerError) -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw PageError(status: error.httpStatus, message: error.publicReason, detail: error.kind == .unavailable ? error.reason : nil)
    }
}
