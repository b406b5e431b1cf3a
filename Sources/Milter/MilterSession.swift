/// A ``MilterConversation`` with its filter: one call per command, the filter asked where the conversation says so.
public struct MilterSession<Filter: MilterFilter>: Sendable {
    public let filter: Filter
    public private(set) var conversation: MilterConversation

    public init(filter: Filter, configuration: MilterConversation.Configuration = MilterConversation.Configuration()) {
        self.filter = filter
        self.conversation = MilterConversation(configuration: configuration, hooks: filter.hooks)
    }

    /// Takes one command and returns the replies to send, or nil when the connection is to be closed (`Q`).
    ///
    /// - Throws: what ``MilterConversation/receive(_:)`` throws; close the connection then.
    public mutating func receive(_ command: MilterCommand) async throws(MilterError) -> [MilterReply]? {
        switch try conversation.receive(command) {
        case .close:
            return nil
        case .reply(let replies):
            return replies
        case .ask(let question):
            return conversation.answer(await filter.answer(question))
        }
    }

    /// Takes one frame: ``MilterCommand/init(_:)`` then ``receive(_:)-(MilterCommand)``.
    public mutating func receive(_ frame: MilterFrame) async throws(MilterError) -> [MilterReply]? {
        try await receive(try MilterCommand(frame))
    }
}
