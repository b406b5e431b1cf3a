import Foundation

/// Finds the keys of a JSON document that decoding did not read, at any depth: the document is compared with the
/// decoded value written back as JSON, where every setting that was read reappears (an absent optional is left out,
/// so an explicit `null` in the document counts as read).
enum UnknownKeys {
    /// Paths such as `keyServer.requestsPerMinutPerClient` or `domains[1].knd`, sorted.
    static func paths(in document: Any, readBack: Any, at path: String = "") -> [String] {
        switch (document, readBack) {
        case (let object as [String: Any], let known as [String: Any]):
            return object.keys.sorted().flatMap { key -> [String] in
                let keyPath = path.isEmpty ? key : "\(path).\(key)"
                guard let value = known[key] else { return object[key] is NSNull ? [] : [keyPath] }
                return paths(in: object[key]!, readBack: value, at: keyPath)
            }
        case (let array as [Any], let known as [Any]) where array.count == known.count:
            return zip(array, known).enumerated().flatMap { index, pair in
                paths(in: pair.0, readBack: pair.1, at: "\(path)[\(index)]")
            }
        default:
            return []
        }
    }
}
