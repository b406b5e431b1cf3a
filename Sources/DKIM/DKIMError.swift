/// The errors of the `DKIM` library: the work could not be done at all (a message too large to read, a key file that
/// is not a key). A signature that does not verify is not an error but a ``DKIMVerdict``.
public struct DKIMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure, for callers that branch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case messageTooLarge, tooManyHeaders, headerTooLong, invalidKey, unsupportedKey, invalidSigningRequest
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }
        public var description: String { value.rawValue }

        /// The message is larger than ``DKIMLimits/maximumMessageSize``.
        public static let messageTooLarge = Code(.messageTooLarge)
        /// The message has more header fields than ``DKIMLimits/maximumHeaderCount``.
        public static let tooManyHeaders = Code(.tooManyHeaders)
        /// A header field is longer than ``DKIMLimits/maximumHeaderFieldSize``.
        public static let headerTooLong = Code(.headerTooLong)
        /// A key file or key text that cannot be read.
        public static let invalidKey = Code(.invalidKey)
        /// A key of a kind or size DKIM does not allow (RFC 8301, RFC 8463).
        public static let unsupportedKey = Code(.unsupportedKey)
        /// Signing parameters that cannot make a valid signature (a domain that is not a name, `i=` outside `d=`).
        public static let invalidSigningRequest = Code(.invalidSigningRequest)
    }

    /// What kind of failure.
    public let code: Code
    /// What went wrong, for people.
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }

    public static func == (lhs: DKIMError, rhs: DKIMError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
