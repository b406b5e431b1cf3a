import ArgumentParser
import DKIM
import Foundation

/// `stockade dkim …`: verify every DKIM signature of a message, sign our own mail, make keys (library `DKIM`).
struct DKIMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dkim",
        abstract: "Verify and make DKIM signatures (RFC 6376, RFC 8463 Ed25519, RFC 8301).",
        subcommands: [Verify.self, Sign.self, Keygen.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Verify every DKIM-Signature of a message; each gets pass, fail, neutral, temperror or permerror.",
            discussion: """
                Bare LF line ends are read as CRLF, as an MTA sends them. Exits 0 when at least one signature passes, \
                1 otherwise. Example: stockade dkim verify message.eml --json
                """)
        @Argument(help: "The message file (RFC 5322), or - for standard input.") var file: String
        @OptionGroup var resolverOptions: ResolverOptions
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let message = try DKIMMessage(parsing: try readInput(file))
            let verdicts = await DKIMVerifier(resolver: try resolverOptions.makeResolver()).verify(message)
            let report = VerificationReport(verdicts)
            if json { try printJSON(report) } else { print(report.text) }
            if !verdicts.contains(where: { $0.result == .pass }) { throw ExitCode(1) }
        }
    }

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign",
            abstract: "Sign a message for DOMAIN and print it with its new DKIM-Signature field on top.",
            discussion: """
                relaxed/relaxed, the RFC 6376 §5.4.1 header list with From, To, Subject and Date over-signed. The key's \
                type decides the algorithm (rsa-sha256 or ed25519-sha256). \
                Example: stockade dkim sign message.eml --domain example.com --selector mail --key mail.pem
                """)
        @Argument(help: "The message file, or - for standard input.") var file: String
        @Option(help: "The signing domain (d=).") var domain: String
        @Option(help: "The selector (s=).") var selector: String
        @Option(help: "The private key: PEM, PKCS#8 (RSA or Ed25519) or PKCS#1 (RSA).") var key: String
        @Option(help: "The algorithm the key must have (rsa-sha256 or ed25519-sha256); the key's own by default.")
        var algorithm: SigningAlgorithm?

        func run() async throws {
            let signingKey = try DKIMSigningKey(pem: try String(contentsOfFile: key, encoding: .utf8))
            if let algorithm, algorithm.algorithm != signingKey.algorithm {
                throw ValidationError("--algorithm \(algorithm.rawValue) needs a key for it; \(key) is a \(signingKey.algorithm.rawValue) key")
            }
            let message = try DKIMMessage(parsing: try readInput(file))
            let signed = try DKIMSigner(domain: domain, selector: selector, key: signingKey).sign(message, at: Date())
            FileHandle.standardOutput.write(Data(signed.bytes))
        }
    }

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen",
            abstract: "Make a signing key, write it to --out (PKCS#8 PEM, mode 0600) and print the TXT record to publish.",
            discussion: "Example: stockade dkim keygen --domain example.com --selector mail --out mail.pem")
        @Option(help: "The signing domain.") var domain: String
        @Option(help: "The selector.") var selector: String
        @Option(help: "rsa-2048 (default) or ed25519.") var algorithm: KeyAlgorithm = .rsa2048
        @Option(help: "Where to write the private key; an existing file is not replaced.") var out: String

        func run() async throws {
            guard !FileManager.default.fileExists(atPath: out) else { throw ValidationError("\(out) exists; not replacing a key") }
            let key = try DKIMSigningKey.generate(algorithm.kind)
            guard FileManager.default.createFile(atPath: out, contents: Data(key.pemRepresentation.utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(out)")
            }
            print(zoneLine(name: "\(selector)._domainkey.\(domain).", record: key.keyRecord))
        }
    }
}

/// The algorithms `dkim sign --algorithm` names.
enum SigningAlgorithm: String, ExpressibleByArgument, CaseIterable {
    case rsaSHA256 = "rsa-sha256"
    case ed25519SHA256 = "ed25519-sha256"

    var algorithm: SignatureAlgorithm { self == .rsaSHA256 ? .rsaSHA256 : .ed25519SHA256 }
}

/// The keys `dkim keygen --algorithm` makes.
enum KeyAlgorithm: String, ExpressibleByArgument, CaseIterable {
    case rsa2048 = "rsa-2048"
    case ed25519

    var kind: DKIMSigningKey.Kind { self == .rsa2048 ? .rsa2048 : .ed25519 }
}

/// A file's bytes, or standard input's for `-`.
private func readInput(_ path: String) throws -> Data {
    path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
}

/// A zone-file TXT line: the record in quoted strings of at most 255 octets (RFC 1035 §3.3.14), within parentheses.
func zoneLine(name: String, record: String) -> String {
    var strings: [String] = []
    var rest = Substring(record)
    while !rest.isEmpty {
        strings.append("\"\(rest.prefix(255))\"")
        rest = rest.dropFirst(255)
    }
    return "\(name) IN TXT ( \(strings.joined(separator: " ")) )"
}

/// What `dkim verify` prints: every signature, top first.
struct VerificationReport: Encodable {
    struct Signature: Encodable {
        let d: String?
        let s: String?
        let result: DKIMResult
        let reason: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(d, forKey: .d)  // null, not absent, when unknown
            try container.encode(s, forKey: .s)
            try container.encode(result, forKey: .result)
            try container.encode(reason, forKey: .reason)
        }

        enum CodingKeys: String, CodingKey { case d, s, result, reason }
    }

    let signatures: [Signature]

    init(_ verdicts: [DKIMVerdict]) {
        signatures = verdicts.map { Signature(d: $0.domain, s: $0.selector, result: $0.result, reason: $0.reason) }
    }

    var text: String {
        guard !signatures.isEmpty else { return "no DKIM-Signature fields" }
        return signatures.map { s in
            "\(s.result.rawValue) d=\(s.d ?? "?") s=\(s.s ?? "?")" + (s.reason.map { ": \($0)" } ?? "")
        }.joined(separator: "\n")
    }
}
