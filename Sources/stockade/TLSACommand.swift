import ArgumentParser
import DANE
import DNS
import Foundation

/// `stockade tlsa …`: TLSA records for a mail server's certificate, and a check before a certificate rollover.
struct TLSACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tlsa",
        abstract: "Make TLSA records (RFC 6698) and check a certificate rollover against the published ones.",
        subcommands: [Generate.self, CheckRollover.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Print the zone-file TLSA line for a certificate (default 3 1 1, RFC 7671 §10.1.2).",
            discussion: "Example: stockade tlsa generate --cert /etc/ssl/mail.pem --host mx.example.com")
        @Option(help: "The server certificate (PEM; the first certificate is used).") var cert: String
        @Option(help: "Certificate usage: 2 DANE-TA or 3 DANE-EE (0 and 1 are not for SMTP, RFC 7672 §3.1.3).") var usage: SMTPTLSAUsage = .daneEE
        @Option(help: "Selector: 0 full certificate, 1 SubjectPublicKeyInfo.") var selector: TLSASelector = .subjectPublicKeyInfo
        @Option(help: "Matching type: 0 exact, 1 SHA-256, 2 SHA-512.") var mtype: TLSAMatchingType = .sha256
        @Option(help: "The MX host name the record is for.") var host = "mx.example.com"
        @Option(help: "The SMTP port.") var port = 25
        @Flag(help: "Print JSON: {\"owner\", \"usage\", \"selector\", \"matchingType\", \"data\", \"zoneLine\"}.") var json = false

        func run() throws {
            let certificate = try readCertificates(cert)[0]
            let record = certificate.tlsaRecord(usage: usage.usage, selector: selector, matchingType: mtype)
            if json {
                try printJSON(TLSAReport(record, ownerName: "_\(port)._tcp.\(DANELookup.normalized(host))"))
            } else {
                print(record.zoneLine(host: host, port: port))
            }
        }
    }

    struct CheckRollover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-rollover",
            abstract: "Say whether the TLSA records published now already match the next certificate.",
            discussion: """
                Example: stockade tlsa check-rollover --next /etc/ssl/next.pem mx.example.com
                Exit status: 0 when switching to the next certificate keeps DANE working (or no DANE applies), 1 when \
                it would break delivery (the record to add is printed), 2 when DNS could not answer.
                """)
        @Option(help: "The next certificate chain (PEM, leaf first, with its intermediates).") var next: String
        @Argument(help: "The MX host name.") var host: String
        @Option(help: "The SMTP port.") var port = 25
        @Option(help: "The domain mail is for (a DANE-TA reference name besides the host).") var domain: String?
        @OptionGroup var resolverOptions: ResolverOptions
        @Flag(help: "Print JSON: {\"safe\", \"outcome\", \"text\", \"add\"?}.") var json = false

        func run() async throws {
            let chain = try readCertificates(next)
            let lookup = DANELookup(resolver: try resolverOptions.makeResolver())
            let policy: DANEPolicy
            do {
                policy = try await lookup.policy(host: host, port: port)
            } catch {
                if json {
                    try printJSON(RolloverReport(safe: false, outcome: "dns-failure", text: "cannot check: \(error.reason)", add: nil))
                } else {
                    print("cannot check: \(error.reason)")
                }
                throw ExitCode(2)
            }
            let check = RolloverCheck(policy: policy, nextChain: chain, nextHopDomain: domain)
            let outcome = await check.evaluate(at: Date())
            if json {
                try printJSON(RolloverReport(outcome))
            } else {
                print(outcome.text)
            }
            if !outcome.isSafe { throw ExitCode(1) }
        }
    }

    /// A TLSA record as `--json` prints it.
    struct TLSAReport: Encodable {
        let owner: String
        let usage: UInt8
        let selector: UInt8
        let matchingType: UInt8
        let data: String
        let zoneLine: String

        init(_ record: TLSA, ownerName: String) {
            owner = ownerName + "."
            usage = record.usage
            selector = record.selector
            matchingType = record.matchingType
            data = RecordDataText.hex(record.data)
            zoneLine = record.zoneLine(ownerName: ownerName)
        }
    }

    /// The rollover verdict as `--json` prints it: `safe`, `would-break` (with the record to add), `no-dane`, `bogus`.
    struct RolloverReport: Encodable {
        let safe: Bool
        let outcome: String
        let text: String
        let add: TLSAReport?

        init(safe: Bool, outcome: String, text: String, add: TLSAReport?) {
            self.safe = safe
            self.outcome = outcome
            self.text = text
            self.add = add
        }

        init(_ outcome: RolloverCheck.Outcome) {
            switch outcome {
            case .safe: self.init(safe: true, outcome: "safe", text: outcome.text, add: nil)
            case .wouldBreak(let add, let owner, _):
                self.init(safe: false, outcome: "would-break", text: outcome.text, add: TLSAReport(add, ownerName: owner))
            case .noDANE: self.init(safe: true, outcome: "no-dane", text: outcome.text, add: nil)
            case .bogus: self.init(safe: false, outcome: "bogus", text: outcome.text, add: nil)
            }
        }
    }
}

/// Every certificate in a PEM file, in order.
func readCertificates(_ path: String) throws -> [ServerCertificate] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw ValidationError("cannot read \(path)")
    }
    let blocks = text.components(separatedBy: "-----BEGIN CERTIFICATE-----").dropFirst()
        .map { "-----BEGIN CERTIFICATE-----" + $0 }
    guard !blocks.isEmpty else { throw ValidationError("\(path) holds no PEM certificate") }
    do {
        return try blocks.map { block throws(DANEError) in try ServerCertificate(pem: block) }
    } catch {
        throw ValidationError("\(path): \(error)")
    }
}
