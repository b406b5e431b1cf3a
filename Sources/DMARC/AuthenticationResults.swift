/// An `Authentication-Results` header field (RFC 8601 §2.2): who authenticated the message and what each method found.
public struct AuthenticationResults: Sendable, Hashable {
    /// The field name.
    public static let fieldName = "Authentication-Results"

    /// The authentication service that wrote the field, usually its host name (RFC 8601 §2.5).
    public var authservID: String
    /// The `authres-version` after the authserv-id; `nil` when absent (version 1 is implied).
    public var version: Int?
    /// The results in field order; empty means `none` (RFC 8601 §2.2 `no-result`).
    public var results: [MethodResult]

    /// A field from `authservID` with `results` in order (none for `none`).
    public init(authservID: String, version: Int? = nil, results: [MethodResult]) {
        self.authservID = authservID
        self.version = version
        self.results = results
    }

    /// One `resinfo` (RFC 8601 §2.2): `method=result`, an optional reason, properties.
    public struct MethodResult: Sendable, Hashable {
        /// The method, lower case (`spf`, `dkim`, `dmarc`, …; RFC 8601 §2.7).
        public var method: String
        /// The method version after `/`, when given.
        public var methodVersion: Int?
        /// The result keyword, lower case (`pass`, `fail`, …).
        public var result: String
        /// `reason=`, when given.
        public var reason: String?
        /// A comment written after the result, e.g. `(p=reject dis=none)`; parsing drops comments.
        public var comment: String?
        public var properties: [Property]

        /// A result; `method`, `result` and property names are written as given (use lower case).
        public init(method: String, methodVersion: Int? = nil, result: String, reason: String? = nil, comment: String? = nil,
                    properties: [Property] = []) {
            self.method = method
            self.methodVersion = methodVersion
            self.result = result
            self.reason = reason
            self.comment = comment
            self.properties = properties
        }

        /// The value of the first property `type.name`, e.g. `header.d`.
        public func property(_ type: String, _ name: String) -> String? {
            properties.first { $0.type == type && $0.name == name }?.value
        }
    }

    /// A `propspec` (RFC 8601 §2.2): `ptype.property=pvalue`, e.g. `smtp.mailfrom=example.com`.
    public struct Property: Sendable, Hashable {
        /// `smtp`, `header`, `body` or `policy` (RFC 8601 §2.3), lower case.
        public var type: String
        /// The property, lower case (`mailfrom`, `d`, `from`, …).
        public var name: String
        public var value: String

        /// `type.name=value`, e.g. `Property("header", "from", "example.com")`.
        public init(_ type: String, _ name: String, _ value: String) {
            self.type = type
            self.name = name
            self.value = value
        }
    }
}

/// Why an `Authentication-Results` field could not be read.
public struct AuthenticationResultsError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// Longer than ``AuthenticationResults/maximumLength``, or more results, properties or comment nesting than
        /// the limits allow.
        case limitExceeded
        /// Not `authres-payload` (RFC 8601 §2.2).
        case malformed
    }

    public let code: Code
    /// What went wrong, for people.
    public let reason: String

    public var description: String { reason }

    static func limit(_ reason: String) -> AuthenticationResultsError { .init(code: .limitExceeded, reason: reason) }
    static func malformed(_ reason: String) -> AuthenticationResultsError { .init(code: .malformed, reason: reason) }
}
