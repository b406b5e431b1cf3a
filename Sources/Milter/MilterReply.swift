public import NIOCore

/// A reply from the filter to the MTA (`SMFIR_*` in Sendmail's `mfdef.h`), encoded as a ``MilterFrame``.
public enum MilterReply: Sendable, Equatable {
    /// `O`: the answer to the MTA's offer, with the macro lists per stage.
    case negotiate(MilterNegotiation)
    /// `a`: accept the message (or the connection, before MAIL) without asking the filter again.
    case accept
    /// `c`: go on to the next step.
    case `continue`
    /// `r`: reject with the MTA's default 5xx reply.
    case reject
    /// `t`: fail temporarily with the MTA's default 4xx reply.
    case tempfail
    /// `y`: reject or fail temporarily with this SMTP reply.
    case replyCode(MilterSMTPReply)
    /// `d`: accept the message and throw it away.
    case discard
    /// `q`: quarantine the message with a reason (Postfix puts it on hold).
    case quarantine(String)
    /// `h`: add a header at the end.
    case addHeader(name: String, value: String)
    /// `i`: insert a header at `index` (0: before the first).
    case insertHeader(index: UInt32, name: String, value: String)
    /// `m`: change the `index`th (1-based) header called `name`; an empty value deletes it.
    case changeHeader(index: UInt32, name: String, value: String)
    /// `p`: still working; restarts the MTA's timeout.
    case progress
    /// `s`: skip the rest of the body (only when ``MilterProtocolSteps/skip`` was negotiated).
    case skip

    /// The frame carrying this reply.
    public var frame: MilterFrame {
        var data = ByteBuffer()
        let letter: Character
        switch self {
        case .negotiate(let negotiation):
            letter = "O"
            data.writeInteger(negotiation.version)
            data.writeInteger(negotiation.actions.rawValue)
            data.writeInteger(negotiation.steps.rawValue)
            for (stage, names) in negotiation.macros.sorted(by: { $0.key < $1.key }) {
                data.writeInteger(stage.rawValue)
                data.writeNULTerminated(names.joined(separator: " "))
            }
        case .accept: letter = "a"
        case .continue: letter = "c"
        case .reject: letter = "r"
        case .tempfail: letter = "t"
        case .discard: letter = "d"
        case .progress: letter = "p"
        case .skip: letter = "s"
        case .replyCode(let reply):
            letter = "y"
            data.writeNULTerminated(reply.encoded)
        case .quarantine(let reason):
            letter = "q"
            data.writeNULTerminated(reason)
        case .addHeader(let name, let value):
            letter = "h"
            data.writeNULTerminated(name)
            data.writeNULTerminated(value)
        case .insertHeader(let index, let name, let value), .changeHeader(let index, let name, let value):
            if case .insertHeader = self { letter = "i" } else { letter = "m" }
            data.writeInteger(index)
            data.writeNULTerminated(name)
            data.writeNULTerminated(value)
        }
        return MilterFrame(command: letter.asciiValue!, data: data)
    }

    /// Appends the reply's frame.
    public func write(to buffer: inout ByteBuffer) {
        frame.write(to: &buffer)
    }
}

extension ByteBuffer {
    fileprivate mutating func writeNULTerminated(_ string: String) {
        writeString(string)
        writeInteger(UInt8(0))
    }
}
