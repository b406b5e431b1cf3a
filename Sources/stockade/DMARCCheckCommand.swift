import ArgumentParser
import DKIM
import DMARC
import Foundation
import MailAuthentication
import SPF

extension DMARCCommand {
    /// `stockade dmarc check MESSAGE.eml --ip IP --helo NAME --mail-from ADDR`: SPF, DKIM and DMARC on a whole message,
    /// as a receiving MTA runs them (library `MailAuthentication`).
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Run SPF, DKIM and DMARC on a message and print the Authentication-Results header (RFC 8601).",
            discussion: """
                SPF checks the MAIL FROM address (or postmaster@HELO for an empty one, RFC 7208 §2.4), every DKIM
                signature is verified, and DMARC is evaluated for the domain of the one From field (RFC 9989). Prints the
                header a receiver would add, then what the Domain Owner asks for: deliver, quarantine, reject, tempfail,
                or no-author-domain (no single From field: outside DMARC). Exit status 0 whatever the verdict; 1 when
                the message cannot be read.
                Example: stockade dmarc check message.eml --ip 192.0.2.10 --helo mx.example.com --mail-from alice@example.com
                """)
        @Argument(help: "The message (RFC 5322; bare LF is read as CRLF).") var file: String
        @Option(help: "The SMTP client's IP address.") var ip: String
        @Option(help: "The name the client gave in HELO/EHLO.") var helo: String
        @Option(name: .customLong("mail-from"), help: "The MAIL FROM address; \"\" for the null reverse-path.") var mailFrom: String
        @Option(name: .customLong("authserv-id"), help: "The receiver's name in the header.") var authservID = "stockade"
        @Flag(help: "RFC 7489: the Organizational Domain from the Public Suffix List instead of the tree walk.") var rfc7489 = false
        @OptionGroup var resolverOptions: ResolverOptions
        @Flag(help: "Print JSON: {\"authentication_results\", \"disposition\", \"reason\", \"spf\", \"dkim\", \"dmarc\"}.") var json = false

        func run() async throws {
            let message: DKIMMessage
            let client: ClientAddress
            do {
                message = try DKIMMessage(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: file))))
                client = try ClientAddress(ip)
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
            let authenticator = MailAuthenticator(resolver: try resolverOptions.makeResolver(), receivingHost: authservID,
                                                  mode: rfc7489 ? .rfc7489(.bundled) : .rfc9989)
            let result = await authenticator.authenticate(message, client: client, helo: helo, mailFrom: mailFrom)
            let header = result.authenticationResults(authservID: authservID)
            let (disposition, reason) = Self.describe(result.requested)
            if json {
                try printJSON(CheckReport(
                    authenticationResults: header.value, disposition: disposition, reason: reason,
                    spf: .init(result: result.spf.result.rawValue, domain: result.spfOutcome.domain),
                    dkim: result.dkim.map { .init(d: $0.domain, s: $0.selector, result: $0.result.rawValue, reason: $0.reason) },
                    dmarc: result.dmarc.map { .init(domain: $0.domain, result: $0.result.verdict.rawValue,
                                                    disposition: $0.result.disposition?.rawValue, policyDomain: $0.result.policyDomain) }))
            } else {
                print(header.field(lineEnding: "\n"))
                print("disposition: \(disposition)" + (reason.map { " (\($0))" } ?? ""))
            }
        }

        static func describe(_ requested: RequestedDisposition) -> (String, String?) {
            switch requested {
            case .deliver: ("deliver", nil)
            case .quarantine(let domain, let reason): ("quarantine", "\(domain): \(reason)")
            case .reject(let domain, let reason): ("reject", "\(domain): \(reason)")
            case .temporaryFailure(let domain, let reason): ("tempfail", "\(domain): \(reason)")
            case .noAuthorDomain(let problem): ("no-author-domain", problem.description)
            }
        }
    }
}

/// `dmarc check --json`.
private struct CheckReport: Encodable {
    struct SPF: Encodable { let result: String; let domain: String }
    struct Signature: Encodable { let d: String?; let s: String?; let result: String; let reason: String? }
    struct Policy: Encodable {
        let domain: String
        let result: String
        let disposition: String?
        let policyDomain: String?
        enum CodingKeys: String, CodingKey { case domain, result, disposition, policyDomain = "policy_domain" }
    }

    let authenticationResults: String
    let disposition: String
    let reason: String?
    let spf: SPF
    let dkim: [Signature]
    let dmarc: [Policy]

    enum CodingKeys: String, CodingKey {
        case authenticationResults = "authentication_results", disposition, reason, spf, dkim, dmarc
    }
}
