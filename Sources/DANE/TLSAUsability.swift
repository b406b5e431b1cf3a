public import DNS

/// The certificate usages of RFC 6698 §2.1.1, with the names of RFC 7218.
public enum TLSAUsage: UInt8, Sendable, Hashable, CaseIterable {
    case pkixTA = 0
    case pkixEE = 1
    case daneTA = 2
    case daneEE = 3

    /// `PKIX-TA(0)`, `PKIX-EE(1)`, `DANE-TA(2)`, `DANE-EE(3)` (RFC 7218 §2.1).
    public var mnemonic: String {
        switch self {
        case .pkixTA: "PKIX-TA(0)"
        case .pkixEE: "PKIX-EE(1)"
        case .daneTA: "DANE-TA(2)"
        case .daneEE: "DANE-EE(3)"
        }
    }
}

/// The selectors of RFC 6698 §2.1.2.
public enum TLSASelector: UInt8, Sendable, Hashable, CaseIterable {
    /// The full certificate, `Cert(0)`.
    case fullCertificate = 0
    /// The DER SubjectPublicKeyInfo, `SPKI(1)`.
    case subjectPublicKeyInfo = 1
}

/// The matching types of RFC 6698 §2.1.3.
public enum TLSAMatchingType: UInt8, Sendable, Hashable, CaseIterable {
    /// The selected bytes themselves, `Full(0)`.
    case exact = 0
    case sha256 = 1
    case sha512 = 2

    /// The length the association data must have, or `nil` for `Full(0)`.
    public var digestLength: Int? {
        switch self {
        case .exact: nil
        case .sha256: 32
        case .sha512: 64
        }
    }
}

/// Why an SMTP client must ignore a TLSA record (RFC 7672 §3.1, RFC 7671 §4).
public enum TLSAUnusableReason: Error, Sendable, Hashable, CustomStringConvertible {
    /// PKIX-TA(0) and PKIX-EE(1) are not for SMTP: there is no agreed set of trusted CAs (RFC 7672 §3.1.3).
    case pkixUsage(UInt8)
    /// A usage, selector or matching type no RFC defines (RFC 6698 §2.1, RFC 7671 §4).
    case unknownUsage(UInt8)
    case unknownSelector(UInt8)
    case unknownMatchingType(UInt8)
    /// A digest whose length does not match its matching type (RFC 7671 §4: such records are malformed).
    case wrongDigestLength(matchingType: UInt8, expected: Int, actual: Int)
    /// No association data at all.
    case emptyData

    public var description: String {
        switch self {
        case .pkixUsage(let usage): "usage \(usage) (PKIX) is not for SMTP (RFC 7672 §3.1.3)"
        case .unknownUsage(let usage): "unknown usage \(usage)"
        case .unknownSelector(let selector): "unknown selector \(selector)"
        case .unknownMatchingType(let type): "unknown matching type \(type)"
        case .wrongDigestLength(let type, let expected, let actual):
            "matching type \(type) needs \(expected) bytes of digest, the record has \(actual)"
        case .emptyData: "no certificate association data"
        }
    }
}

/// A TLSA record an SMTP client may use: DANE-TA(2) or DANE-EE(3), a known selector and matching type, and a
/// digest of the right length (RFC 7672 §3.1).
public struct UsableTLSA: Sendable, Hashable, CustomStringConvertible {
    public let usage: TLSAUsage
    public let selector: TLSASelector
    public let matchingType: TLSAMatchingType
    public let data: [UInt8]

    /// The record as published.
    public var record: TLSA {
        TLSA(usage: usage.rawValue, selector: selector.rawValue, matchingType: matchingType.rawValue, data: data)
    }

    /// The record's presentation form, `3 1 1 <hex>`.
    public var description: String { RecordDataText.tlsa(record) }
}

extension TLSA {
    /// The record as an SMTP client must read it, or why it must ignore it.
    public var smtpUsability: Result<UsableTLSA, TLSAUnusableReason> {
        guard let usage = TLSAUsage(rawValue: usage) else { return .failure(.unknownUsage(usage)) }
        guard usage == .daneTA || usage == .daneEE else { return .failure(.pkixUsage(usage.rawValue)) }
        guard let selector = TLSASelector(rawValue: selector) else { return .failure(.unknownSelector(selector)) }
        guard let matchingType = TLSAMatchingType(rawValue: matchingType) else {
            return .failure(.unknownMatchingType(matchingType))
        }
        guard !data.isEmpty else { return .failure(.emptyData) }
        if let length = matchingType.digestLength, data.count != length {
            return .failure(.wrongDigestLength(matchingType: matchingType.rawValue, expected: length, actual: data.count))
        }
        return .success(UsableTLSA(usage: usage, selector: selector, matchingType: matchingType, data: data))
    }
}
