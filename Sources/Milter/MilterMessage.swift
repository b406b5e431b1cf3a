/// What the MTA told the milter about one message and its connection, handed to the ``MilterFilter``.
public struct MilterMessage: Sendable, Equatable {
    /// The client, once `C` arrived.
    public var client: MilterClient?
    /// The last HELO/EHLO argument.
    public var helo: String?
    /// The MAIL FROM address as sent, with its angle brackets (`<>` for the null sender).
    public var sender: String?
    /// The ESMTP arguments of MAIL FROM, e.g. `SIZE=1000`, `BODY=8BITMIME`.
    public var senderArguments: [String] = []
    /// The RCPT TO addresses as sent, in order, at most ``MilterLimits/maximumRecipients``.
    public var recipients: [String] = []
    /// Every macro received so far for the connection and the message, by name as sent (`i`, `{auth_authen}`);
    /// a later value replaces an earlier one; at most ``MilterLimits/maximumMacros`` names.
    public var macros: [String: String] = [:]
    /// The headers in order, at most ``MilterLimits/maximumHeaders`` and ``MilterLimits/maximumHeaderOctets``.
    public var headers: [MilterHeader] = []
    /// Whether headers were left out because of the limits.
    public var headersTruncated = false
    /// The body (CRLF line ends, as Postfix sends it), at most ``MilterLimits/maximumBodyOctets`` octets.
    public var body: [UInt8] = []
    /// The body's full length, including octets beyond the limit.
    public var bodyLength = 0
    /// Whether ``body`` holds less than ``bodyLength``.
    public var bodyTruncated: Bool { body.count < bodyLength }
    /// Whether header values keep their leading white space (``MilterProtocolSteps/headerLeadingSpace`` was
    /// negotiated): `Subject: hi` arrives as value ` hi`, not `hi`.
    public var headerValuesKeepLeadingSpace = false

    public init() {}

    /// A macro's value by its name with or without braces: `macro("auth_authen")` finds `{auth_authen}`.
    public func macro(_ name: String) -> String? {
        if let value = macros[name] { return value }
        if name.hasPrefix("{"), name.hasSuffix("}"), name.count > 2 { return macros[String(name.dropFirst().dropLast())] }
        return macros["{\(name)}"]
    }

    /// The queue ID (macro `i`), which Postfix defines from DATA on.
    public var queueID: String? { macro("i") }
}

/// One header as the MTA sent it.
public struct MilterHeader: Sendable, Equatable {
    public var name: String
    /// The value's octets: folded lines are joined by a bare LF (Postfix's internal form), with the leading white
    /// space kept only when ``MilterMessage/headerValuesKeepLeadingSpace``.
    public var value: [UInt8]

    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }

    /// The value as text (invalid UTF-8 becomes U+FFFD).
    public var text: String { String(decoding: value, as: UTF8.self) }
}

/// The bounds on what one conversation keeps in memory; frames beyond them are read and dropped.
public struct MilterLimits: Sendable, Equatable {
    /// Postfix's `smtpd_recipient_limit` default.
    public static let defaultMaximumRecipients = 1_000
    /// Enough for any ordinary message; a Received trail of a few hundred hops is already pathological.
    public static let defaultMaximumHeaders = 1_000
    /// Distinct macro names kept per connection: Postfix's default `milter_*_macros` name about 30 in all.
    public static let defaultMaximumMacros = 256
    /// 1 MiB of header names and values.
    public static let defaultMaximumHeaderOctets = 1 << 20
    /// Postfix's `message_size_limit` default (10 240 000 octets), rounded up to 10 MiB.
    public static let defaultMaximumBodyOctets = 10 << 20

    public var maximumRecipients: Int
    public var maximumHeaders: Int
    public var maximumMacros: Int
    public var maximumHeaderOctets: Int
    public var maximumBodyOctets: Int

    public init(maximumRecipients: Int = MilterLimits.defaultMaximumRecipients,
                maximumHeaders: Int = MilterLimits.defaultMaximumHeaders,
                maximumMacros: Int = MilterLimits.defaultMaximumMacros,
                maximumHeaderOctets: Int = MilterLimits.defaultMaximumHeaderOctets,
                maximumBodyOctets: Int = MilterLimits.defaultMaximumBodyOctets) {
        self.maximumRecipients = maximumRecipients
        self.maximumHeaders = maximumHeaders
        self.maximumMacros = maximumMacros
        self.maximumHeaderOctets = maximumHeaderOctets
        self.maximumBodyOctets = maximumBodyOctets
    }
}
