/// The stages before the end of the message at which a filter wants to be asked (and may reject early).
public struct MilterHooks: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// ``MilterFilter/connect(_:)``, after `C`.
    public static let connect = MilterHooks(rawValue: 1)
    /// ``MilterFilter/helo(_:)``, after `H`.
    public static let helo = MilterHooks(rawValue: 2)
    /// ``MilterFilter/mailFrom(_:)``, after `M`.
    public static let mailFrom = MilterHooks(rawValue: 4)
}

/// The checks a milter runs: SPF, DKIM and DMARC plug in here.
///
/// The conversation asks the MTA not to wait for a reply at stages the filter has no hook for (`SMFIP_NR_*`), so a
/// stage without a hook costs no round trip.
public protocol MilterFilter: Sendable {
    /// The early stages to be asked at; the default is none.
    var hooks: MilterHooks { get }
    /// After the connect command; the message holds the client and the connect macros.
    func connect(_ message: MilterMessage) async -> MilterVerdict
    /// After HELO/EHLO.
    func helo(_ message: MilterMessage) async -> MilterVerdict
    /// After MAIL FROM (SPF's MAIL FROM check belongs here).
    func mailFrom(_ message: MilterMessage) async -> MilterVerdict
    /// At the end of the message, with every header and the body up to the limit.
    func endOfMessage(_ message: MilterMessage) async -> MilterDecision
}

extension MilterFilter {
    public var hooks: MilterHooks { [] }
    public func connect(_ message: MilterMessage) async -> MilterVerdict { .continue }
    public func helo(_ message: MilterMessage) async -> MilterVerdict { .continue }
    public func mailFrom(_ message: MilterMessage) async -> MilterVerdict { .continue }
}

extension MilterFilter {
    /// Asks the hook that `question` names.
    public func answer(_ question: MilterConversation.Question) async -> MilterConversation.Answer {
        switch question {
        case .connect(let message): .verdict(await connect(message))
        case .helo(let message): .verdict(await helo(message))
        case .mailFrom(let message): .verdict(await mailFrom(message))
        case .endOfMessage(let message): .decision(await endOfMessage(message))
        }
    }
}
