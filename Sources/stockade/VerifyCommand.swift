import ArgumentParser
import Foundation
import OpenPGP
import VKS

/// `stockade verify --signature SIG FILE`: checks a detached OpenPGP signature, the signer's key from a file or the
/// key server.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a detached OpenPGP signature (binary or armored) over a file; exit status 1 if it is not good.",
        discussion: "Example: stockade verify --signature release.tar.gz.sig release.tar.gz --key signer.asc")
    @Option(help: "The detached signature, binary or armored.") var signature: String
    @Argument(help: "The signed file.") var file: String
    @Option(help: "The signer's certificate (or a keyring); without it the key is fetched from the key server.") var key: String?
    @OptionGroup var keyServer: KeyServerOptions
    @OptionGroup var timeOptions: KeyTimeOptions
    @Flag(help: "Print JSON instead of text.") var json = false

    func run() async throws {
        let signatures = try SignaturePacket.readDetached(readFile(signature))
        let document = try readFile(file)
        var reports: [SignatureReport] = []
        for packet in signatures {
            reports.append(try await check(packet, over: document))
        }
        if json {
            try printJSON(reports)
        } else {
            for report in reports {
                print(report.good ? "good signature by \(report.signingKey ?? "?") (key \(report.certificate ?? "?")), made \(report.created)"
                                  : "BAD: \(report.verdict): \(report.reason ?? "")")
            }
        }
        guard reports.allSatisfy(\.good) else { throw ExitCode.failure }
    }

    /// The verdict on one signature, with the certificate named by its issuer.
    private func check(_ signature: SignaturePacket, over document: [UInt8]) async throws -> SignatureReport {
        let time = timeOptions.time
        let candidates = try await certificates(for: signature)
        let issuer = signature.issuerFingerprints.first?.description ?? signature.issuerKeyIDs.first?.description
        guard !candidates.isEmpty else {
            let source = key.map { "in \($0)" } ?? "on \(keyServer.baseURL)"
            return SignatureReport(signature, verdict: .unknownKey(reason: "no key \(issuer ?? "(no issuer given)") \(source)"), certificate: nil)
        }
        var verdicts: [(Certificate, DocumentSignatureVerdict)] = []
        for certificate in candidates {
            let verdict = certificate.verifyDocument(signature, over: document, at: time)
            if verdict.isValid { return SignatureReport(signature, verdict: verdict, certificate: certificate) }
            verdicts.append((certificate, verdict))
        }
        let (certificate, verdict) = verdicts.first { if case .unknownKey = $0.1 { false } else { true } } ?? verdicts[0]
        return SignatureReport(signature, verdict: verdict, certificate: certificate)
    }

    /// The certificates that may hold the issuing key: from `--key`, else from the key server by the issuer's
    /// fingerprint (or key ID when the signature names no fingerprint).
    private func certificates(for signature: SignaturePacket) async throws -> [Certificate] {
        if let key {
            return try Certificate.readAll(readFile(key))
        }
        let client = try keyServer.makeClient()
        if let fingerprint = signature.issuerFingerprints.first {
            return try await client.certificates(fingerprint: fingerprint.description)
        }
        guard let keyID = signature.issuerKeyIDs.first(where: { !$0.isWildcard }) else { return [] }
        return try await client.certificates(keyID: keyID.description)
    }
}

/// What `verify` prints for one signature.
struct SignatureReport: Encodable {
    let good: Bool
    /// `valid`, `unknown-key`, `unusable-key` or `invalid`.
    let verdict: String
    let reason: String?
    /// The certificate's fingerprint, and the (sub)key that made the signature.
    let certificate: String?
    let signingKey: String?
    let created: String
    /// `binary` (0x00) or `text` (0x01), or the type's number.
    let type: String

    init(_ signature: SignaturePacket, verdict: DocumentSignatureVerdict, certificate: Certificate?) {
        self.certificate = certificate?.fingerprint.description
        created = ISO8601DateFormatter().string(from: signature.created)
        type = signature.type == .binary ? "binary" : signature.type == .text ? "text" : signature.type.description
        good = verdict.isValid
        switch verdict {
        case .valid(let key, _):
            self.verdict = "valid"
            reason = nil
            signingKey = key.description
        case .unknownKey(let why):
            self.verdict = "unknown-key"
            reason = why
            signingKey = nil
        case .unusableKey(let why):
            self.verdict = "unusable-key"
            reason = why
            signingKey = nil
        case .invalid(let why):
            self.verdict = "invalid"
            reason = why
            signingKey = nil
        }
    }
}
