public import DANE
import Crypto
import Foundation
import X509

/// What the prober shows of one certificate a server sent.
public struct CertificateSummary: Sendable, Hashable, Codable {
    public let subject: String
    public let issuer: String
    public let dnsNames: [String]
    public let notBefore: String
    public let notAfter: String
    /// SHA-256 of the SubjectPublicKeyInfo, lower-case hex: the data of a `3 1 1` record for it.
    public let spkiSHA256: String

    public init(_ certificate: ServerCertificate) {
        subject = certificate.certificate.subject.description
        issuer = certificate.certificate.issuer.description
        dnsNames = certificate.dnsNames
        notBefore = certificate.certificate.notValidBefore.formatted(.iso8601)
        notAfter = certificate.certificate.notValidAfter.formatted(.iso8601)
        spkiSHA256 = RecordDataText.hex(Array(SHA256.hash(data: certificate.subjectPublicKeyInfo)))
    }
}
