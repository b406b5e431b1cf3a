import Foundation
import Hummingbird

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
