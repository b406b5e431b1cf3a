import Crypto
import DANE
import Foundation
import SwiftASN1
import X509

/// Certificates made in the test with swift-certificates: a CA and leaves it issues, valid or expired.
struct TestPKI {
    let now = Date(timeIntervalSince1970: 1_780_000_000)
    let caKey = P256.Signing.PrivateKey()
    let caName: DistinguishedName
    var ca: ServerCertificate

    init(name: String = "Stockade Test CA") throws {
        caName = try DistinguishedName { CommonName(name) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now - 86_400, notValidAfter: now + 365 * 86_400, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(caKey))
        ca = try ServerCertificate(der: Self.der(certificate))
    }

    /// A server certificate for `names` issued by this CA (or by `signer`), valid around `now` unless `expired`.
    func leaf(names: [String], key: P256.Signing.PrivateKey = P256.Signing.PrivateKey(), expired: Bool = false) throws -> ServerCertificate {
        let subject = try DistinguishedName { CommonName(names.first ?? "leaf") }
        let notBefore = expired ? now - 400 * 86_400 : now - 86_400
        let notAfter = expired ? now - 300 * 86_400 : now + 90 * 86_400
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: caName, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names.map { .dnsName($0) })
            },
            issuerPrivateKey: .init(caKey))
        return try ServerCertificate(der: Self.der(certificate))
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}

extension TestPKI {
    /// An intermediate CA under this CA: its own PKI whose certificate this CA signed.
    func intermediate(name: String = "Stockade Test Intermediate") throws -> TestPKI {
        var child = try TestPKI(name: name)
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(child.caKey.publicKey),
            notValidBefore: now - 86_400, notValidAfter: now + 180 * 86_400, issuer: caName, subject: child.caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(caKey))
        child.ca = try ServerCertificate(der: Self.der(certificate))
        return child
    }
}
