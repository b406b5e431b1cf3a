/// One milter connection as a value-type state machine, without I/O: feed it the MTA's commands, get back the
/// replies to send, a question for the filter, or the end of the connection.
///
/// It negotiates version 6, collects the ``MilterMessage`` (client, HELO, envelope, macros, headers, body up to the
/// ``MilterLimits``) and turns the filter's verdicts into replies. ``MilterSession`` drives it with a filter.
public struct MilterConversation: Sendable {
    /// What the conversation asks of the MTA and how much it keeps.
    public struct Configuration: Sendable, Equatable {
        /// Macros asked for by default, per stage: the connection's identity (`j`, `{daemon_name}`, `_`), TLS after
        /// HELO, the queue ID and the SMTP AUTH identity at MAIL FROM (submission), the queue ID at the end.
        public static let defaultMacros: [MilterMacroStage: [String]] = [
            .connect: ["j", "{daemon_name}", "{daemon_addr}", "{client_addr}", "{client_name}", "_"],
            .helo: ["{tls_version}", "{cipher}"],
            .mailFrom: ["i", "{auth_type}", "{auth_authen}", "{mail_addr}"],
            .endOfMessage: ["i"],
        ]
        /// The steps and replies asked to be left out when the MTA offers it: no DATA, end-of-headers or unknown
        /// commands, no replies to recipients, headers and body chunks, and header values with their leading space.
        public static let defaultSteps: MilterProtocolSteps = [
            .noData, .noUnknown, .noEndOfHeaders, .noReplyRecipient, .noReplyHeader, .noReplyBody,
            .noReplyData, .noReplyUnknown, .noReplyEndOfHeaders, .headerLeadingSpace,
        ]

        /// The actions asked for; the negotiation fails if the MTA does not offer all of them.
        public var actions: MilterActions
        /// The macros asked for per stage (sent with ``MilterActions/setMacroLists`` when the MTA offers it).
        public var macros: [MilterMacroStage: [String]]
        /// The steps and replies to leave out when the MTA offers them; no-reply flags for the stages the filter has
        /// hooks for are never asked.
        public var steps: MilterProtocolSteps
        public var limits: MilterLimits

        public init(actions: MilterActions = [.addHeaders, .changeHeaders, .quarantine],
                    macros: [MilterMacroStage: [String]] = Configuration.defaultMacros,
                    steps: MilterProtocolSteps = Configuration.defaultSteps,
                    limits: MilterLimits = MilterLimits()) {
            self.actions = actions
            self.macros = macros
            self.steps = steps
            self.limits = limits
        }
    }

    /// A question for the filter; answer it with ``answer(_:)-(MilterVerdict)`` or, at the end of the message,
    /// ``answer(_:)-(MilterDecision)``.
    public enum Question: Sendable, Equatable {
        case connect(MilterMessage)
        case helo(MilterMessage)
        case mailFrom(MilterMessage)
        case endOfMessage(MilterMessage)
    }

    /// The filter's answer to a ``Question`` (``MilterFilter/answer(_:)``).
    public enum Answer: Sendable, Equatable {
        /// At connect, HELO or MAIL FROM.
        case verdict(MilterVerdict)
        /// At the end of the message.
        case decision(MilterDecision)
    }

    /// What to do after a command.
    public enum Action: Sendable, Equatable {
        /// Send these replies (none when the command takes no reply).
        case reply([MilterReply])
        /// Ask the filter, then send what ``answer(_:)-(MilterVerdict)`` returns.
        case ask(Question)
        /// The MTA said goodbye: close the connection.
        case close
    }

    public let configuration: Configuration
    public let hooks: MilterHooks
    /// The negotiated options, once `O` was answered.
    public private(set) var negotiated: MilterNegotiation?
    /// What has been collected so far.
    public private(set) var message = MilterMessage()
    private var headerOctets = 0
    private var pending: Question?

    public init(configuration: Configuration = Configuration(), hooks: MilterHooks = []) {
        self.configuration = configuration
        self.hooks = hooks
    }

    /// Takes the MTA's next command.
    ///
    /// - Throws: ``MilterError/Code/unexpectedCommand`` for anything but `O` before the negotiation, a second `O`, or
    ///   a command while the filter has not answered; ``MilterError/Code/unsupportedVersion`` from `O`. Close the
    ///   connection after an error; Postfix then applies its `milter_default_action`.
    public mutating func receive(_ command: MilterCommand) throws(MilterError) -> Action {
        guard pending == nil else { throw MilterError(.unexpectedCommand, "a command before the filter answered") }
        guard let negotiated else {
            guard case .negotiate(let offer) = command else {
                throw MilterError(.unexpectedCommand, "a command before option negotiation")
            }
            let answer = try negotiate(offer)
            self.negotiated = answer
            message.headerValuesKeepLeadingSpace = answer.steps.contains(.headerLeadingSpace)
            return .reply([.negotiate(answer)])
        }
        let steps = negotiated.steps
        switch command {
        case .negotiate:
            throw MilterError(.unexpectedCommand, "a second option negotiation")
        case .macros(_, let macros):
            for macro in macros where message.macros[macro.name] != nil || message.macros.count < configuration.limits.maximumMacros {
                message.macros[macro.name] = macro.value
            }
            return .reply([])
        case .connect(let client):
            message.client = client
            return ask(.connect(message), hook: .connect, noReply: steps.contains(.noReplyConnect))
        case .helo(let helo):
            message.helo = helo
            return ask(.helo(message), hook: .helo, noReply: steps.contains(.noReplyHelo))
        case .mailFrom(let sender, let arguments):
            startMessage()
            message.sender = sender
            message.senderArguments = arguments
            return ask(.mailFrom(message), hook: .mailFrom, noReply: steps.contains(.noReplyMail))
        case .recipient(let recipient, _):
            if message.recipients.count < configuration.limits.maximumRecipients { message.recipients.append(recipient) }
            return proceed(noReply: steps.contains(.noReplyRecipient))
        case .data:
            return proceed(noReply: steps.contains(.noReplyData))
        case .header(let name, let value):
            let size = name.utf8.count + value.count
            if message.headers.count < configuration.limits.maximumHeaders, headerOctets + size <= configuration.limits.maximumHeaderOctets {
                message.headers.append(MilterHeader(name: name, value: value))
                headerOctets += size
            } else {
                message.headersTruncated = true
            }
            return proceed(noReply: steps.contains(.noReplyHeader))
        case .endOfHeaders:
            return proceed(noReply: steps.contains(.noReplyEndOfHeaders))
        case .body(let chunk):
            appendBody(chunk)
            return proceed(noReply: steps.contains(.noReplyBody))
        case .endOfMessage(let chunk):
            appendBody(chunk)
            pending = .endOfMessage(message)
            return .ask(.endOfMessage(message))
        case .abort:
            startMessage()
            return .reply([])
        case .quit:
            return .close
        case .quitNewConnection:
            self = MilterConversation(configuration: configuration, hooks: hooks)
            return .reply([])
        case .unknown:
            return proceed(noReply: steps.contains(.noReplyUnknown))
        }
    }

    /// The filter's answer to the question asked: the replies to send.
    public mutating func answer(_ answer: Answer) -> [MilterReply] {
        switch answer {
        case .verdict(let verdict): self.answer(verdict)
        case .decision(let decision): self.answer(decision)
        }
    }

    /// The filter's verdict at connect, HELO or MAIL FROM: the replies to send.
    public mutating func answer(_ verdict: MilterVerdict) -> [MilterReply] {
        pending = nil
        return [Self.reply(verdict)]
    }

    /// The filter's decision at the end of the message: header changes and quarantine (only when the message goes
    /// through), then the verdict.
    public mutating func answer(_ decision: MilterDecision) -> [MilterReply] {
        pending = nil
        var replies: [MilterReply] = []
        switch decision.verdict {
        case .continue, .accept:
            let leadingSpace = message.headerValuesKeepLeadingSpace
            for change in decision.headerChanges {
                let value = change.value.map { leadingSpace && !$0.hasPrefix(" ") && !$0.hasPrefix("\t") ? " " + $0 : $0 } ?? ""
                switch change.kind {
                case .add: replies.append(.addHeader(name: change.name, value: value))
                case .insert(let index): replies.append(.insertHeader(index: index, name: change.name, value: value))
                case .change(let occurrence): replies.append(.changeHeader(index: occurrence, name: change.name, value: value))
                }
            }
            if let reason = decision.quarantine {
                replies.append(.quarantine(String(reason.map { $0 == "\0" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })))
            }
        case .reject, .tempfail, .discard:
            break
        }
        replies.append(Self.reply(decision.verdict))
        return replies
    }

    private static func reply(_ verdict: MilterVerdict) -> MilterReply {
        switch verdict {
        case .continue: .continue
        case .accept: .accept
        case .reject(let reply): reply.map { .replyCode($0) } ?? .reject
        case .tempfail(let reply): reply.map { .replyCode($0) } ?? .tempfail
        case .discard: .discard
        }
    }

    private func negotiate(_ offer: MilterNegotiation) throws(MilterError) -> MilterNegotiation {
        guard offer.version >= MilterNegotiation.version else {
            throw MilterError(.unsupportedVersion, "the MTA offers version \(offer.version), 6 is needed")
        }
        guard offer.actions.isSuperset(of: configuration.actions) else {
            throw MilterError(.unsupportedVersion, "the MTA does not offer actions 0x\(String(configuration.actions.subtracting(offer.actions).rawValue, radix: 16))")
        }
        var steps = configuration.steps
        if hooks.contains(.connect) { steps.remove(.noReplyConnect) } else { steps.insert(.noReplyConnect) }
        if hooks.contains(.helo) { steps.remove(.noReplyHelo) } else { steps.insert(.noReplyHelo) }
        if hooks.contains(.mailFrom) { steps.remove(.noReplyMail) } else { steps.insert(.noReplyMail) }
        var actions = configuration.actions
        var macros: [MilterMacroStage: [String]] = [:]
        if !configuration.macros.isEmpty, offer.actions.contains(.setMacroLists) {
            actions.insert(.setMacroLists)
            macros = configuration.macros
        }
        return MilterNegotiation(version: MilterNegotiation.version, actions: actions, steps: steps.intersection(offer.steps), macros: macros)
    }

    private mutating func ask(_ question: Question, hook: MilterHooks, noReply: Bool) -> Action {
        guard hooks.contains(hook) else { return proceed(noReply: noReply) }
        pending = question
        return .ask(question)
    }

    private func proceed(noReply: Bool) -> Action {
        .reply(noReply ? [] : [.continue])
    }

    private mutating func startMessage() {
        let keep = message
        message = MilterMessage()
        message.client = keep.client
        message.helo = keep.helo
        message.macros = keep.macros
        message.headerValuesKeepLeadingSpace = keep.headerValuesKeepLeadingSpace
        headerOctets = 0
    }

    private mutating func appendBody(_ chunk: [UInt8]) {
        let room = max(0, configuration.limits.maximumBodyOctets - message.body.count)
        message.body.append(contentsOf: chunk.prefix(room))
        message.bodyLength += chunk.count
    }
}
