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
            abstract: "Print the zone-file TLSA line for a certificate (default 3 1 1, RFC 7671 §10.1.2).",
            discussion: "Example: stockade tlsa generate --cert /etc/ssl/mail.pem --host mx.example.com")
        @Option(help: "The server certificate (PEM; the first certificate is used).") var cert: String
        @Option(help: "Certificate usage: 2 DANE-TA or 3 DANE-EE (0 and 1 are not for SMTP, RFC 7672 §3.1.3).") var usage: UInt8 = 3
        @Option(help: "Selector: 0 full certificate, 1 SubjectPublicKeyInfo.") var selector: UInt8 = 1
        @Option(help: "Matching type: 0 exact, 1 SHA-256, 2 SHA-512.") var mtype: UInt8 = 1
        @Option(help: "The MX host name the record is for.") var host = "mx.example.com"
        @Option(help: "The SMTP port.") var port = 25

        func run() throws {
            guard let usage = TLSAUsage(rawValue: usage), usage == .daneTA || usage == .daneEE else {
                throw ValidationError("--usage must be 2 (DANE-TA) or 3 (DANE-EE) for SMTP (RFC 7672 §3.1.3)")
            }
            guard let selector = TLSASelector(rawValue: selector) else { throw ValidationError("--selector must be 0 or 1") }
            guard let matchingType = TLSAMatchingType(rawValue: mtype) else { throw ValidationError("--mtype must be 0, 1 or 2") }
            let certificate = try readCertificates(cert)[0]
            print(certificate.tlsaRecord(usage: usage, selector: selector, matchingType: matchingType).zoneLine(host: host, port: port))
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

        func run() async throws {
            let chain = try readCertificates(next)
            let lookup = DANELookup(resolver: try resolverOptions.makeResolver())
            let policy: DANEPolicy
            do {
                policy = try await lookup.policy(host: host, port: port)
            } catch {
                print("cannot check: \(error.reason)")
                throw ExitCode(2)
            }
            let check = RolloverCheck(policy: policy, nextChain: chain, nextHopDomain: domain)
            let outcome = await check.evaluate(at: Date())
            print(outcome.text)
            if !outcome.isSafe { throw ExitCode(1) }
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
