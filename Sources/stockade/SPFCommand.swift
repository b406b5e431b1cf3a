import ArgumentParser
import SPF

/// `stockade spf …`: Sender Policy Framework checks (library `SPF`, RFC 7208).
struct SPFCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spf",
        abstract: "Check a sender against a domain's SPF record (RFC 7208).",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Say whether IP may send mail from SENDER: check_host() of RFC 7208 §4 with its result, explanation and mechanism.",
            discussion: """
                Example: stockade spf check 192.0.2.1 alice@example.com --helo mx.example.org --json
                An empty SENDER ("") checks the HELO identity, postmaster@NAME (RFC 7208 §2.3).
                Exit status: 0 pass, 1 fail, 2 softfail, 3 neutral, 4 none, 5 temperror, 6 permerror, 64 bad arguments.
                """)
        @Argument(help: "The SMTP client's IPv4 or IPv6 address.") var ip: String
        @Argument(help: "The MAIL FROM address (local-part@domain); empty for the null reverse-path.") var sender: String
        @Option(help: "The HELO/EHLO name (the %{h} macro; the identity checked when SENDER is empty).") var helo: String?
        @OptionGroup var resolverOptions: ResolverOptions
        @Flag(help: "Print JSON: {\"result\", \"explanation\" (from exp= only, else null), \"mechanism\" (null when none matched)}.")
        var json = false

        func validate() throws {
            do { _ = try ClientAddress(ip) } catch { throw ValidationError(error.reason) }
            if sender.isEmpty && helo == nil { throw ValidationError("an empty SENDER checks the HELO identity: give --helo") }
        }

        func run() async throws {
            let checker = SPFChecker(resolver: try resolverOptions.makeResolver())
            let verdict = await checker.check(client: try ClientAddress(ip), mailFrom: sender, helo: helo ?? "unknown")
            let report = SPFReport(verdict)
            if json { try printJSON(report) } else { print(report.text) }
            let status = Self.exitStatus(verdict.result)
            if status != 0 { throw ExitCode(status) }
        }

        /// The exit status the help documents for each result.
        static func exitStatus(_ result: SPFResult) -> Int32 {
            switch result {
            case .pass: 0
            case .fail: 1
            case .softfail: 2
            case .neutral: 3
            case .none: 4
            case .temperror: 5
            case .permerror: 6
            }
        }
    }
}

/// What `spf check` prints.
struct SPFReport: Encodable {
    let result: String
    let explanation: String?
    let mechanism: String?
    let reason: String

    init(_ verdict: SPFVerdict) {
        result = verdict.result.rawValue
        explanation = verdict.explanation
        mechanism = verdict.mechanism
        reason = verdict.reason
    }

    enum CodingKeys: String, CodingKey { case result, explanation, mechanism }

    /// `explanation` and `mechanism` are written as `null` when absent.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(result, forKey: .result)
        try container.encode(explanation, forKey: .explanation)
        try container.encode(mechanism, forKey: .mechanism)
    }

    /// `fail: -all matched in the record of example.com (explanation: "…")`.
    var text: String {
        "\(result): \(reason)" + (explanation.map { " (explanation: \"\($0)\")" } ?? "")
    }
}
