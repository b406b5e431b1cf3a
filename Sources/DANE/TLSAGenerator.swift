public import DNS

extension ServerCertificate {
    /// The TLSA record for this certificate (RFC 6698 §2.1; default `3 1 1`, DANE-EE with the SHA-256 of the SPKI,
    /// as RFC 7671 §10.1.2 and RFC 7672 §3.1.1 recommend).
    public func tlsaRecord(usage: TLSAUsage = .daneEE, selector: TLSASelector = .subjectPublicKeyInfo,
                           matchingType: TLSAMatchingType = .sha256) -> TLSA {
        TLSA(usage: usage.rawValue, selector: selector.rawValue, matchingType: matchingType.rawValue,
             data: associationData(selector: selector, matchingType: matchingType))
    }
}

extension TLSA {
    /// The zone-file line for this record at `_<port>._tcp.<host>.` (RFC 6698 §2.2, §3).
    public func zoneLine(host: String, port: Int = 25) -> String {
        zoneLine(ownerName: "_\(port)._tcp.\(DANELookup.normalized(host))")
    }

    /// The zone-file line for this record at `ownerName`.
    public func zoneLine(ownerName: String) -> String {
        "\(ownerName). IN TLSA \(RecordDataText.tlsa(self))"
    }
}
