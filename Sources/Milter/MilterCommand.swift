/// A command from the MTA (`SMFIC_*` in Sendmail's `mfdef.h`), decoded from a ``MilterFrame``.
///
/// Strings are NUL-terminated in the frame and decoded as UTF-8 (invalid octets become U+FFFD); header values and
/// body chunks keep their octets.
public enum MilterCommand: Sendable, Equatable {
    /// `O`: the MTA's offer: version, actions allowed, protocol flags understood.
    case negotiate(MilterNegotiation)
    /// `D`: macros for the command with letter `stage` that follows.
    case macros(stage: UInt8, [MilterMacro])
    /// `C`: a new SMTP client.
    case connect(MilterClient)
    /// `H`: the HELO or EHLO argument.
    case helo(String)
    /// `M`: MAIL FROM: the sender as sent (with its angle brackets) and the ESMTP arguments.
    case mailFrom(String, arguments: [String])
    /// `R`: RCPT TO: the recipient as sent and the ESMTP arguments.
    case recipient(String, arguments: [String])
    /// `T`: the DATA command.
    case data
    /// `L`: one header: its name and its value's octets.
    case header(name: String, value: [UInt8])
    /// `N`: the end of the headers.
    case endOfHeaders
    /// `B`: a body chunk (Postfix: at most 65 535 octets, lines ending in CRLF).
    case body([UInt8])
    /// `E`: the end of the message, possibly with a last body chunk (empty from Postfix).
    case endOfMessage([UInt8])
    /// `A`: the current message is abandoned (RSET, or the end of a transaction); the connection goes on.
    case abort
    /// `Q`: the connection ends.
    case quit
    /// `K`: the connection ends and the MTA will start a new one on the same socket (negotiation again).
    case quitNewConnection
    /// `U`: an SMTP command the MTA did not recognize.
    case unknown(String)

    /// Most macros in one `D` command: Postfix sends the few in its `milter_*_macros` (8 at most by default).
    public static let maximumMacros = 64
    /// Most ESMTP arguments after an address: SMTP has about a dozen (SIZE, BODY, SMTPUTF8, RET, ENVID, AUTH, …).
    public static let maximumArguments = 32

    /// Decodes a frame.
    ///
    /// - Throws: ``MilterError/Code/unknownCommand``, ``MilterError/Code/malformedCommand`` or
    ///   ``MilterError/Code/tooManyItems``.
    public init(_ frame: MilterFrame) throws(MilterError) {
        var reader = FieldReader(frame.data, command: frame.command)
        switch frame.command {
        case UInt8(ascii: "O"):
            let version = try reader.integer(), actions = try reader.integer(), steps = try reader.integer()
            self = .negotiate(MilterNegotiation(version: version, actions: MilterActions(rawValue: actions),
                                                steps: MilterProtocolSteps(rawValue: steps)))
        case UInt8(ascii: "D"):
            let stage = try reader.octet()
            var macros: [MilterMacro] = []
            while !reader.atEnd {
                guard macros.count < Self.maximumMacros else {
                    throw MilterError(.tooManyItems, "more than \(Self.maximumMacros) macros")
                }
                macros.append(MilterMacro(name: try reader.string(), value: try reader.string()))
            }
            self = .macros(stage: stage, macros)
        case UInt8(ascii: "C"):
            self = .connect(try reader.client())
        case UInt8(ascii: "H"):
            self = .helo(try reader.string())
        case UInt8(ascii: "M"), UInt8(ascii: "R"):
            let address = try reader.string()
            var arguments: [String] = []
            while !reader.atEnd {
                guard arguments.count < Self.maximumArguments else {
                    throw MilterError(.tooManyItems, "more than \(Self.maximumArguments) ESMTP arguments")
                }
                arguments.append(try reader.string())
            }
            self = frame.command == UInt8(ascii: "M") ? .mailFrom(address, arguments: arguments) : .recipient(address, arguments: arguments)
        case UInt8(ascii: "T"):
            self = .data
        case UInt8(ascii: "L"):
            let name = try reader.string()
            self = .header(name: name, value: try reader.octets())
        case UInt8(ascii: "N"):
            self = .endOfHeaders
        case UInt8(ascii: "B"):
            self = .body(reader.rest())
        case UInt8(ascii: "E"):
            self = .endOfMessage(reader.rest())
        case UInt8(ascii: "A"):
            self = .abort
        case UInt8(ascii: "Q"):
            self = .quit
        case UInt8(ascii: "K"):
            self = .quitNewConnection
        case UInt8(ascii: "U"):
            self = .unknown(try reader.string())
        default:
            throw MilterError(.unknownCommand, "command 0x\(String(frame.command, radix: 16))")
        }
        if frame.command != UInt8(ascii: "O") { try reader.expectEnd() }
    }
}

/// One macro the MTA defines, e.g. `i` (the queue ID) or `{auth_authen}`.
public struct MilterMacro: Sendable, Equatable {
    /// The name as sent: a single letter, or a long name in braces.
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
