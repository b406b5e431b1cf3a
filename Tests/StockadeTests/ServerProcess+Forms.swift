import Foundation

extension ServerProcess {
    /// POSTs `fields` as `application/x-www-form-urlencoded`, the way a page's form does.
    func form(_ path: String, _ fields: [(String, String)]) throws -> HTTPExchange {
        let body = fields.map { "\($0.0)=\(formEncoded($0.1))" }.joined(separator: "&")
        return try request("POST", path, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(body.utf8))
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
