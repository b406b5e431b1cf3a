/// What a filter may do to a message (`SMFIF_*` in Sendmail's `mfapi.h`), offered by the MTA and requested by the filter.
public struct MilterActions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `SMFIF_ADDHDRS`: add headers (`h`, `i`).
    public static let addHeaders = MilterActions(rawValue: 0x01)
    /// `SMFIF_CHGBODY`: replace the body.
    public static let changeBody = MilterActions(rawValue: 0x02)
    /// `SMFIF_ADDRCPT`: add recipients.
    public static let addRecipients = MilterActions(rawValue: 0x04)
    /// `SMFIF_DELRCPT`: delete recipients.
    public static let deleteRecipients = MilterActions(rawValue: 0x08)
    /// `SMFIF_CHGHDRS`: change or delete headers (`m`).
    public static let changeHeaders = MilterActions(rawValue: 0x10)
    /// `SMFIF_QUARANTINE`: quarantine the message (`q`; Postfix puts it on hold).
    public static let quarantine = MilterActions(rawValue: 0x20)
    /// `SMFIF_CHGFROM`: change the envelope sender.
    public static let changeFrom = MilterActions(rawValue: 0x40)
    /// `SMFIF_ADDRCPT_PAR`: add recipients with ESMTP arguments.
    public static let addRecipientsWithArguments = MilterActions(rawValue: 0x80)
    /// `SMFIF_SETSYMLIST`: choose the macros sent at each stage (lists after the negotiation reply).
    public static let setMacroLists = MilterActions(rawValue: 0x100)
}

/// Protocol steps the filter does not want, and steps it will not answer (`SMFIP_*` in Sendmail's `mfdef.h`).
public struct MilterProtocolSteps: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `SMFIP_NOCONNECT`: do not send `C`.
    public static let noConnect = MilterProtocolSteps(rawValue: 0x1)
    /// `SMFIP_NOHELO`: do not send `H`.
    public static let noHelo = MilterProtocolSteps(rawValue: 0x2)
    /// `SMFIP_NOMAIL`: do not send `M`.
    public static let noMail = MilterProtocolSteps(rawValue: 0x4)
    /// `SMFIP_NORCPT`: do not send `R`.
    public static let noRecipient = MilterProtocolSteps(rawValue: 0x8)
    /// `SMFIP_NOBODY`: do not send `B`.
    public static let noBody = MilterProtocolSteps(rawValue: 0x10)
    /// `SMFIP_NOHDRS`: do not send `L`.
    public static let noHeaders = MilterProtocolSteps(rawValue: 0x20)
    /// `SMFIP_NOEOH`: do not send `N`.
    public static let noEndOfHeaders = MilterProtocolSteps(rawValue: 0x40)
    /// `SMFIP_NR_HDR` (also `SMFIP_NOHREPL`): no reply to `L`.
    public static let noReplyHeader = MilterProtocolSteps(rawValue: 0x80)
    /// `SMFIP_NOUNKNOWN`: do not send `U`.
    public static let noUnknown = MilterProtocolSteps(rawValue: 0x100)
    /// `SMFIP_NODATA`: do not send `T`.
    public static let noData = MilterProtocolSteps(rawValue: 0x200)
    /// `SMFIP_SKIP`: the MTA understands `s` (skip the rest of the body).
    public static let skip = MilterProtocolSteps(rawValue: 0x400)
    /// `SMFIP_RCPT_REJ`: also send recipients the MTA rejected.
    public static let rejectedRecipients = MilterProtocolSteps(rawValue: 0x800)
    /// `SMFIP_NR_CONN`: no reply to `C`.
    public static let noReplyConnect = MilterProtocolSteps(rawValue: 0x1000)
    /// `SMFIP_NR_HELO`: no reply to `H`.
    public static let noReplyHelo = MilterProtocolSteps(rawValue: 0x2000)
    /// `SMFIP_NR_MAIL`: no reply to `M`.
    public static let noReplyMail = MilterProtocolSteps(rawValue: 0x4000)
    /// `SMFIP_NR_RCPT`: no reply to `R`.
    public static let noReplyRecipient = MilterProtocolSteps(rawValue: 0x8000)
    /// `SMFIP_NR_DATA`: no reply to `T`.
    public static let noReplyData = MilterProtocolSteps(rawValue: 0x10000)
    /// `SMFIP_NR_UNKN`: no reply to `U`.
    public static let noReplyUnknown = MilterProtocolSteps(rawValue: 0x20000)
    /// `SMFIP_NR_EOH`: no reply to `N`.
    public static let noReplyEndOfHeaders = MilterProtocolSteps(rawValue: 0x40000)
    /// `SMFIP_NR_BODY`: no reply to `B`.
    public static let noReplyBody = MilterProtocolSteps(rawValue: 0x80000)
    /// `SMFIP_HDR_LEADSPC`: header values keep their leading white space, both ways (the exact bytes DKIM needs).
    public static let headerLeadingSpace = MilterProtocolSteps(rawValue: 0x100000)
}

/// The stage a macro list belongs to (`SMFIM_*` in Sendmail's `mfapi.h`), the first field of each list in the
/// negotiation reply.
public enum MilterMacroStage: UInt32, Sendable, Hashable, CaseIterable, Comparable {
    case connect = 0
    case helo = 1
    case mailFrom = 2
    case recipient = 3
    case data = 4
    case endOfMessage = 5
    case endOfHeaders = 6

    public static func < (lhs: MilterMacroStage, rhs: MilterMacroStage) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The option negotiation, both ways: the MTA's offer (`O` command) and the filter's answer (`O` reply).
public struct MilterNegotiation: Sendable, Equatable {
    /// The only protocol version spoken: 6, Postfix's default `milter_protocol`.
    public static let version: UInt32 = 6

    /// The protocol version.
    public var version: UInt32
    /// Offered: what the MTA allows; answered: what the filter will do.
    public var actions: MilterActions
    /// Offered: the flags the MTA understands; answered: the steps to skip and the replies not sent.
    public var steps: MilterProtocolSteps
    /// Answered only: the macros the filter wants at each stage (empty: the MTA's `milter_*_macros` apply).
    public var macros: [MilterMacroStage: [String]]

    public init(version: UInt32 = MilterNegotiation.version, actions: MilterActions, steps: MilterProtocolSteps,
                macros: [MilterMacroStage: [String]] = [:]) {
        self.version = version
        self.actions = actions
        self.steps = steps
        self.macros = macros
    }
}
