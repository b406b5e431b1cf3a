public import X509
import SwiftASN1
import Crypto

/// One certificate of a server's chain: its DER bytes, the exact DER of its SubjectPublicKeyInfo (what selector
/// `SPKI(1)` hashes, RFC 6698 §2.1.2) and its parsed form.
public struct ServerCertificate: Sendable, Hashable {
    /// Certificates larger than this are refused before parsing (a chain element of a mail server is a few KiB).
    public static let maximumSize = 64 * 1024

    public let der: [UInt8]
    public let subjectPublicKeyInfo: [UInt8]
    public let certificate: Certificate

    /// Parses a DER certificate.
    /// - Throws: ``DANEError/malformedCertificate(_:)`` for anything that is not one X.509 certificate.
    public init(der: [UInt8]) throws(DANEError) {
        guard der.count <= Self.maximumSize else {
            throw .malformedCertificate("\(der.count) bytes, more than \(Self.maximumSize)")
        }
        do {
            certificate = try Certificate(derEncoded: der)
            subjectPublicKeyInfo = try Self.rawSubjectPublicKeyInfo(der)
        } catch {
            throw .malformedCertificate("\(error)")
        }
        self.der = der
    }

    /// Reads a PEM file's first certificate.
    public init(pem: String) throws(DANEError) {
        let document: PEMDocument
        do {
            document = try PEMDocument(pemString: pem)
        } catch {
            throw .malformedCertificate("not PEM: \(error)")
        }
        guard document.discriminator == "CERTIFICATE" else {
            throw .malformedCertificate("PEM block \(document.discriminator), not CERTIFICATE")
        }
        try self.init(der: document.derBytes)
    }

    /// The certificate association data for a selector and matching type (RFC 6698 §2.1.2, §2.1.3).
    public func associationData(selector: TLSASelector, matchingType: TLSAMatchingType) -> [UInt8] {
        let selected = selector == .fullCertificate ? der : subjectPublicKeyInfo
        switch matchingType {
        case .exact: return selected
        case .sha256: return Array(SHA256.hash(data: selected))
        case .sha512: return Array(SHA512.hash(data: selected))
        }
    }

    /// Whether a usable record's data equals this certificate's association data.
    public func matches(_ record: UsableTLSA) -> Bool {
        associationData(selector: record.selector, matchingType: record.matchingType) == record.data
    }

    /// The DNS names the certificate is issued for: its subjectAltName dNSNames, else its subject's common names
    /// (RFC 7672 §3.2.3 lets SMTP clients fall back to the CN).
    public var dnsNames: [String] {
        if let alternativeNames = try? certificate.extensions.subjectAlternativeNames {
            let names = alternativeNames.compactMap { name -> String? in
                if case .dnsName(let dnsName) = name { return dnsName }
                return nil
            }
            if !names.isEmpty { return names }
        }
        return certificate.subject.flatMap { $0 }.compactMap { attribute in
            attribute.type == .RDNAttributeType.commonName ? String(describing: attribute.value) : nil
        }
    }

    /// Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
    /// validity, subject, subjectPublicKeyInfo, ... }, ... } (RFC 5280 §4.1): the SPKI's bytes as encoded.
    private static func rawSubjectPublicKeyInfo(_ der: [UInt8]) throws -> [UInt8] {
        let root = try DER.parse(der)
        guard case .constructed(let certificateFields) = root.content else {
            throw DANEError.malformedCertificate("not a SEQUENCE")
        }
        var certificateParts = certificateFields.makeIterator()
        guard let tbs = certificateParts.next(), case .constructed(let tbsFields) = tbs.content else {
            throw DANEError.malformedCertificate("no tbsCertificate")
        }
        var fields = Array(tbsFields)
        if let first = fields.first, first.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            fields.removeFirst()
        }
        guard fields.count >= 6, fields[5].identifier == .sequence else {
            throw DANEError.malformedCertificate("no subjectPublicKeyInfo")
        }
        return Array(fields[5].encodedBytes)
    }
}
