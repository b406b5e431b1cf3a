/// A JSON value as read by ``JSONReader``: the generic tree a report is typed from.
package indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number, kept as its text (RFC 8259 §6); typed readers decide what they accept.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order, names distinct (RFC 7493 §2.3).
    case object([Member])

    /// One `"name": value` pair of an object.
    package struct Member: Sendable, Hashable {
        package let name: String
        package let value: JSONValue

        package init(_ name: String, _ value: JSONValue) {
            self.name = name
            self.value = value
        }
    }

    /// The JSON type's name, for messages.
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
