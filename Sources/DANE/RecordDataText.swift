import DNS

/// TLSA record data as text: `3 1 1 <hex>`, the data in one run of lower-case hex as ldns-dane and OpenSSL print it
/// (RFC 6698 §2.2 allows both this and `dig`'s spaced upper case).
package enum RecordDataText {
    private static let digits = Array("0123456789abcdef")

    static func tlsa(_ record: TLSA) -> String {
        "\(record.usage) \(record.selector) \(record.matchingType) \(hex(record.data))"
    }

    /// Lower-case hex, two digits per byte.
    package static func hex(_ bytes: [UInt8]) -> String {
        String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }
}
