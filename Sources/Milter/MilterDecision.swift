/// What a filter says about a connection or a message at one stage.
public enum MilterVerdict: Sendable, Equatable {
    /// Go on (`c`); at the end of the message the same as ``accept``.
    case `continue`
    /// Accept (`a`): before MAIL FROM the whole connection, later the message; the filter is not asked again.
    case accept
    /// Reject (`r`, or `y` with the reply).
    case reject(MilterSMTPReply?)
    /// Fail temporarily (`t`, or `y` with the reply).
    case tempfail(MilterSMTPReply?)
    /// Accept and throw away (`d`); only meaningful from MAIL FROM on.
    case discard
}

/// A change to the message's headers, applied by the MTA when the message is accepted.
public struct MilterHeaderChange: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Append after the last header (`h`).
        case add
        /// Insert at this position, 0 being before the first header (`i`).
        case insert(at: UInt32)
        /// Replace the `occurrence`th (1-based) header with this name, or delete it when the value is nil (`m`).
        case change(occurrence: UInt32)
    }

    public let kind: Kind
    public let name: String
    /// The value without the leading space (the conversation adds it when the negotiation needs it); nil deletes.
    public let value: String?

    /// - Throws: ``MilterError/Code/invalidReply`` for a name that is empty or has octets outside 33–126 or a colon
    ///   (RFC 5322 §2.2), a value with NUL or CR, or an LF not followed by a space or tab (a bare LF folds a line in
    ///   Postfix's internal form), or a nil value for an add or insert.
    public init(_ kind: Kind, name: String, value: String?) throws(MilterError) {
        guard !name.isEmpty, name.utf8.allSatisfy({ (33...126).contains($0) && $0 != UInt8(ascii: ":") }) else {
            throw MilterError(.invalidReply, "header name \(name.debugDescription)")
        }
        if let value {
            let octets = Array(value.utf8)
            for (index, octet) in octets.enumerated() {
                let folding = octet == 0x0A && index + 1 < octets.count && (octets[index + 1] == 0x20 || octets[index + 1] == 0x09)
                guard octet != 0, octet != 0x0D, octet != 0x0A || folding else {
                    throw MilterError(.invalidReply, "NUL, CR or an unfolded LF in the value of \(name)")
                }
            }
        } else if case .change = kind {} else {
            throw MilterError(.invalidReply, "only a change can delete a header")
        }
        self.kind = kind
        self.name = name
        self.value = value
    }

    /// Appends a header.
    public static func add(_ name: String, _ value: String) throws(MilterError) -> MilterHeaderChange {
        try MilterHeaderChange(.add, name: name, value: value)
    }

    /// Inserts a header at `index` (0: first).
    public static func insert(_ name: String, _ value: String, at index: UInt32) throws(MilterError) -> MilterHeaderChange {
        try MilterHeaderChange(.insert(at: index), name: name, value: value)
    }

    /// Deletes the `occurrence`th (1-based) header called `name`.
    public static func delete(_ name: String, occurrence: UInt32) throws(MilterError) -> MilterHeaderChange {
        try MilterHeaderChange(.change(occurrence: occurrence), name: name, value: nil)
    }
}

/// The filter's decision at the end of a message: header changes, an optional quarantine, and the verdict.
public struct MilterDecision: Sendable, Equatable {
    public var verdict: MilterVerdict
    /// Applied in order when the verdict lets the message through (continue, accept); dropped otherwise.
    public var headerChanges: [MilterHeaderChange]
    /// A quarantine reason (Postfix 3.7 puts the message on hold and logs `milter triggers HOLD action`, not the
    /// reason); sent with continue and accept only,
    /// with NUL, CR and LF replaced by spaces.
    public var quarantine: String?

    public init(_ verdict: MilterVerdict, headerChanges: [MilterHeaderChange] = [], quarantine: String? = nil) {
        self.verdict = verdict
        self.headerChanges = headerChanges
        self.quarantine = quarantine
    }
}
