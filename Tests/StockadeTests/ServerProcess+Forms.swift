import Foundation

extension ServerProcess {
    /// POSTs `fields` as `application/x-www-form-urlencoded`, the way a page's form does.
    func form(_ path: String, _ fields: [(String, String)]) throws -> HTTPExchange {
        let body = fields.map { "\($0.0)=\(formEncoded($0.1))" }.joined(separator: "&")
        return try request("POST", path, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(body.utf8))
    }

    /// A request to the admin API with `token`: `json` as a JSON object body, else `body` as it is.
    func admin(_ method: String, _ path: String, token: String, json: [String: String]? = nil, body: [UInt8] = []) throws -> HTTPExchange {
        var headers = ["Authorization": "Bearer \(token)"]
        var bytes = body
        if let json {
            headers["Content-Type"] = "application/json"
            bytes = Array(try JSONSerialization.data(withJSONObject: json))
        }
        return try request(method, path, headers: headers, body: bytes)
    }
}

/// Everything but letters and digits percent-encoded: a form field's value or a query parameter.
func formEncoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

/// The text right after the first `marker` in `text`, as long as `keep` holds (by default up to a `"`); nil when the
/// marker is missing or nothing follows it.
func snippet(after marker: String, in text: String, until keep: (Character) -> Bool = { $0 != "\"" }) -> String? {
    guard let range = text.range(of: marker) else { return nil }
    let value = text[range.upperBound...].prefix(while: keep)
    return value.isEmpty ? nil : String(value)
}
