public import Foundation
@_spi(FixedExpiryValidationTime) import X509
import SwiftASN1

/// RFC 5280 path validation and the RFC 6125 name check of a chain a server already sent, against a set of roots
/// (what MTA-STS requires of an MX host, RFC 8461 §4.2). The prober checks after the handshake, so it can report
/// every verdict from one connection.
public struct PKIXCheck: Sendable {
    /// The system bundle read when ``systemPlus(pemFiles:)`` asks for it.
    public static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"

    private let roots: [Certificate]

    /// The roots in these PEM files only.
    public init(pemFiles: [String]) throws(PKIXCheckError) {
        var roots: [Certificate] = []
        for file in pemFiles {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw .unreadable(file) }
            do {
                roots += try PEMDocument.parseMultiple(pemString: text)
                    .filter { $0.discriminator == "CERTIFICATE" }
                    .map { try Certificate(derEncoded: $0.derBytes) }
            } catch {
                throw .unreadable("\(file): \(error)")
            }
        }
        self.roots = roots
    }

    /// The system bundle (when present) and these PEM files.
    public static func systemPlus(pemFiles: [String]) throws(PKIXCheckError) -> PKIXCheck {
        let system = FileManager.default.isReadableFile(atPath: systemBundle) ? [systemBundle] : []
        return try PKIXCheck(pemFiles: system + pemFiles)
    }

    /// `nil` when the chain (DER, leaf first) is valid for `host` at `time`, else the reason.
    public func failure(chain: [[UInt8]], host: String, at time: Date) async -> String? {
        guard let leafDER = chain.first, let leaf = try? Certificate(derEncoded: leafDER) else {
            return "no readable leaf certificate"
        }
        let intermediates = chain.dropFirst().compactMap { try? Certificate(derEncoded: $0) }
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy(fixedExpiryValidationTime: time)
            ServerIdentityPolicy(serverHostname: host, serverIP: nil)
        }
        switch await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates)) {
        case .validCertificate: return nil
        case .couldNotValidate(let failures):
            return failures.first.map { "\($0.policyFailureReason)" } ?? "no chain to a trusted root"
        }
    }
}

/// Why roots could not be loaded.
public enum PKIXCheckError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(String)

    public var description: String {
        switch self {
        case .unreadable(let file): "cannot read trust anchors from \(file)"
        }
    }
}
