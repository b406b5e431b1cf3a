/// An LMTP command (RFC 2033 §4, with SMTP's commands of RFC 5321 §4.1.1).
public enum LMTPCommand: Sendable, Hashable {
    /// `LHLO domain` (RFC 2033 §4.1).
    case lhlo(String)
    /// `HELO` or `EHLO`, which an LMTP server refuses (RFC 2033 §4.1).
    case heloOrEhlo
    /// `MAIL FROM:<reverse-path>` with the `SIZE=` parameter when given (RFC 1870).
    case mail(reversePath: String, size: Int?)
    /// `RCPT TO:<forward-path>`.
    case rcpt(String)
    case data
    case rset
    case noop
    case quit
    /// A command this server knows of but does not carry out (`VRFY`, `EXPN`, `HELP`, `TURN`, …).
    case notImplemented(String)

    /// Commands known by name but not carried out.
    static let notImplementedVerbs: Set<String> = ["VRFY", "EXPN", "HELP", "TURN", "ETRN", "STARTTLS", "AUTH", "BDAT"]
    /// `BODY=` values accepted with MAIL (RFC 6152); no others are announced.
    static let bodyValues: Set<String> = ["7BIT", "8BITMIME"]

    /// Reads one command line (without its line end).
    /// - Throws: ``LMTPCommandError`` with the SMTP reply it calls for.
    public init(parsing line: [UInt8]) throws(LMTPCommandError) {
        guard line.allSatisfy({ $0 != 0 && $0 < 0x80 }) else { throw .syntax("the command line is not ASCII") }
        let text = String(decoding: line, as: UTF8.self)
        let verbEnd = text.firstIndex(of: " ") ?? text.endIndex
        let verb = text[..<verbEnd].uppercased()
        let argument = text[verbEnd...].drop { $0 == " " }
        switch verb {
        case "LHLO":
            let domain = argument.prefix { $0 != " " }
            guard !domain.isEmpty else { throw .syntax("LHLO needs a domain (RFC 2033 §4.1)") }
            self = .lhlo(String(domain))
        case "HELO", "EHLO": self = .heloOrEhlo
        case "MAIL":
            let (path, parameters) = try Self.path(after: "FROM:", in: argument)
            var size: Int?
            for (name, value) in parameters {
                switch name {
                case "SIZE":
                    guard let value, let number = Int(value), number >= 0 else { throw .syntax("SIZE needs a number (RFC 1870)") }
                    size = number
                case "BODY":
                    guard let value, Self.bodyValues.contains(value.uppercased()) else { throw .syntax("BODY must be 7BIT or 8BITMIME") }
                default: throw .unknownParameter(name)
                }
            }
            self = .mail(reversePath: path, size: size)
        case "RCPT":
            let (path, parameters) = try Self.path(after: "TO:", in: argument)
            if let (name, _) = parameters.first { throw .unknownParameter(name) }
            guard !path.isEmpty else { throw .syntax("RCPT TO needs an address") }
            self = .rcpt(path)
        case "DATA", "RSET", "NOOP", "QUIT":
            guard verb == "NOOP" || argument.isEmpty else { throw .syntax("\(verb) takes no argument") }
            self = switch verb { case "DATA": .data; case "RSET": .rset; case "NOOP": .noop; default: .quit }
        case _ where Self.notImplementedVerbs.contains(verb): self = .notImplemented(verb)
        default: throw .unknownCommand
        }
    }

    /// The `<path>` after `FROM:` or `TO:` and the ESMTP parameters after it, names upper-cased.
    private static func path(after keyword: String, in argument: Substring) throws(LMTPCommandError) -> (String, [(String, String?)]) {
        guard argument.uppercased().hasPrefix(keyword) else { throw .syntax("expected \(keyword)<address>") }
        let rest = argument.dropFirst(keyword.count).drop { $0 == " " }
        guard rest.first == "<", let close = rest.firstIndex(of: ">") else { throw .syntax("the address must be in angle brackets") }
        let path = String(rest[rest.index(after: rest.startIndex)..<close])
        guard !path.contains("<"), !path.contains(" ") else { throw .syntax("the address is malformed") }
        let parameters = rest[rest.index(after: close)...].split(separator: " ").map { word -> (String, String?) in
            guard let equals = word.firstIndex(of: "=") else { return (word.uppercased(), nil) }
            return (word[..<equals].uppercased(), String(word[word.index(after: equals)...]))
        }
        return (path, parameters)
    }
}

/// Why a command line was refused, with its SMTP reply.
public struct LMTPCommandError: Error, Sendable, Hashable {
    /// The reply to send.
    public let reply: LMTPReply

    static func syntax(_ why: String) -> LMTPCommandError { LMTPCommandError(reply: LMTPReply(501, "5.5.4", "Syntax error: \(why)")) }
    static let unknownCommand = LMTPCommandError(reply: LMTPReply(500, "5.5.2", "Command not recognized"))
    static func unknownParameter(_ name: String) -> LMTPCommandError {
        LMTPCommandError(reply: LMTPReply(555, "5.5.4", "Parameter \(name) not recognized"))
    }
}
