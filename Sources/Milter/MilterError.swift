/// Why the milter could not read a frame or a command, or refused a value it was asked to send.
///
/// Equality compares the ``code`` only; ``reason`` says what was wrong for logs.
public struct MilterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case frameTooLarge, emptyFrame, unknownCommand, malformedCommand, tooManyItems, unexpectedCommand
            case unsupportedVersion, invalidReply
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A frame's length field exceeds ``MilterFrame/maximumLength``.
        public static let frameTooLarge = Code(.frameTooLarge)
        /// A frame's length field is 0: there is not even a command byte.
        public static let emptyFrame = Code(.emptyFrame)
        /// A command byte the milter protocol does not define.
        public static let unknownCommand = Code(.unknownCommand)
        /// A command's data does not have its command's shape (a missing NUL, a bad family, a short integer).
        public static let malformedCommand = Code(.malformedCommand)
        /// More items (macros, ESMTP arguments) in one command than ``MilterCommand`` allows.
        public static let tooManyItems = Code(.tooManyItems)
        /// A command out of order (anything before option negotiation, a second negotiation).
        public static let unexpectedCommand = Code(.unexpectedCommand)
        /// The MTA offers a protocol version below 6 or lacks an action the filter needs.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// An SMTP reply the MTA would refuse (code not 4xx/5xx, a status class that differs, CR/LF/NUL in a line).
        public static let invalidReply = Code(.invalidReply)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What was wrong, for logs; never message content beyond a command letter or a length.
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: MilterError, rhs: MilterError) -> Bool { lhs.code == rhs.code }
}
