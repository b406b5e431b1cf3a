import ArgumentParser
import CAA
import DNS
import Foundation

/// `stockade caa …`: Certification Authority Authorization (RFC 8659, RFC 8657; library `CAA`).
struct CAACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caa",
        abstract: "Check who may issue certificates for a name (CAA, RFC 8659).",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Decide whether a CA may issue a certificate for NAME, from the relevant CAA RRset (RFC 8659 §3).",
            discussion: """
                Climbs from NAME towards the root (stopping before it) until a name has CAA records, follows CNAMEs of the names it asks, and applies issue/issuewild, the critical flag and RFC 8657's accounturi and validationmethods. A failed lookup means not permitted. Exits 1 when issuance is not permitted.

                Example: stockade caa check www.example.com --issuer letsencrypt.org --json
                """)
        @Argument(help: "The name on the certificate; *.NAME (or --wildcard) asks for a wildcard certificate.") var name: String
        @Option(help: "The CA's issuer domain name, as written in issue properties.") var issuer: String
        @Flag(help: "The request is for the wildcard *.NAME (issuewild applies, RFC 8659 §4.3).") var wildcard = false
        @Option(help: "The ACME account URI of the requester (RFC 8657 §3).") var accountURI: String?
        @Option(help: "The ACME validation method used, such as dns-01 (RFC 8657 §4).") var validationMethod: String?
        @OptionGroup var resolverOptions: ResolverOptions
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let request: IssuanceRequest
            do {
                request = try IssuanceRequest(name: name, isWildcard: wildcard, issuer: issuer, accountURI: accountURI,
                                              validationMethod: validationMethod)
            } catch {
                throw ValidationError("\(name): \(error.reason)")
            }
            let decision = await CAALookup.check(request, resolver: try resolverOptions.makeResolver())
            print(json ? Self.json(decision) : Self.text(decision))
            if !decision.permitted { throw ExitCode(1) }
        }

        /// `{"permitted": bool, "relevant_name": "..." | null, "reason": "..."}` on one line, in that order.
        static func json(_ decision: CAADecision) -> String {
            let relevant = decision.relevantName.map { jsonString(presentationWithoutDot($0)) } ?? "null"
            return "{\"permitted\": \(decision.permitted), \"relevant_name\": \(relevant), \"reason\": \(jsonString(decision.reason))}"
        }

        /// `permitted: REASON` or `not permitted: REASON`, then the relevant name.
        static func text(_ decision: CAADecision) -> String {
            let relevant = decision.relevantName.map { "relevant RRset: \(presentationWithoutDot($0))" } ?? "relevant RRset: none"
            return "\(decision.permitted ? "permitted" : "not permitted"): \(decision.reason)\n\(relevant)"
        }

        static func presentationWithoutDot(_ name: DNSName) -> String {
            let text = name.description
            return text.hasSuffix(".") && text != "." ? String(text.dropLast()) : text
        }

        static func jsonString(_ text: String) -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            return String(decoding: (try? encoder.encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
        }
    }
}
