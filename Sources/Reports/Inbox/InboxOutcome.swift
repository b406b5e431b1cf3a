/// What the inbox did with one report.
public struct InboxOutcome: Sendable, Hashable, CustomStringConvertible {
    /// Which kind of report it was, as far as the inbox could tell.
    public enum Kind: String, Sendable, Hashable {
        case tlsrpt, dmarc, unknown
    }

    /// The result, also the `result` label of `stockade_reports_received_total`.
    public enum Result: Sendable, Hashable {
        /// Stored, with the DKIM result of a mailed report (nil over HTTPS).
        case stored(dkim: String?)
        /// A report with the same organization and report-id is stored already; nothing changed.
        case duplicate
        /// Refused for good: the sender must not retry as it is.
        case rejected(Refusal)
        /// Could not be stored now (the database failed): the sender may retry.
        case unavailable
    }

    /// Why a report was refused.
    public struct Refusal: Sendable, Hashable {
        public enum Reason: Sendable, Hashable {
            /// Bigger than a limit, compressed or inflated.
            case tooLarge
            /// Not a media type the endpoint takes.
            case unsupportedMediaType
            /// Not a report, or a broken one.
            case malformed
            /// About no domain this inbox accepts reports for.
            case notOurDomain
        }

        public let reason: Reason
        /// For the sender: the parser's or the inbox's exact words; never a recipient address.
        public let text: String
    }

    public let kind: Kind
    public let result: Result

    public init(kind: Kind, result: Result) {
        self.kind = kind
        self.result = result
    }

    /// The metric label of the result: `stored`, `duplicate`, `rejected` or `unavailable`.
    public var resultLabel: String {
        switch result {
        case .stored: "stored"
        case .duplicate: "duplicate"
        case .rejected: "rejected"
        case .unavailable: "unavailable"
        }
    }

    public var description: String {
        switch result {
        case .stored(let dkim): "\(kind.rawValue) report stored" + (dkim.map { " (dkim: \($0))" } ?? "")
        case .duplicate: "\(kind.rawValue) report already stored"
        case .rejected(let refusal): refusal.text
        case .unavailable: "the report could not be stored now; try again later"
        }
    }

    static func rejected(_ kind: Kind, _ reason: Refusal.Reason, _ text: String) -> InboxOutcome {
        InboxOutcome(kind: kind, result: .rejected(Refusal(reason: reason, text: text)))
    }
}
