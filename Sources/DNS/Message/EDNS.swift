/// The EDNS(0) pseudo-record of a message (RFC 6891 §6).
public struct EDNS: Sendable, Hashable {
    /// The UDP payload size the sender can receive. 1232 avoids fragmentation (DNS Flag Day 2020).
    public var udpPayloadSize: UInt16
    /// The upper eight bits of the twelve-bit response code.
    public var extendedResponseCodeHigh: UInt8
    public var version: UInt8
    /// DNSSEC OK: the sender wants DNSSEC records (RFC 3225 §3).
    public var dnssecOK: Bool
    public var options: [Option]

    /// The payload size Stockade advertises.
    public static let defaultUDPPayloadSize: UInt16 = 1232

    public init(udpPayloadSize: UInt16 = defaultUDPPayloadSize, extendedResponseCodeHigh: UInt8 = 0, version: UInt8 = 0,
                dnssecOK: Bool = true, options: [Option] = []) {
        self.udpPayloadSize = udpPayloadSize
        self.extendedResponseCodeHigh = extendedResponseCodeHigh
        self.version = version
        self.dnssecOK = dnssecOK
        self.options = options
    }

    /// One EDNS option: a code and its bytes.
    public struct Option: Sendable, Hashable {
        public var code: UInt16
        public var data: [UInt8]
        public init(code: UInt16, data: [UInt8]) {
            self.code = code
            self.data = data
        }
        /// The Extended DNS Error option code (RFC 8914 §2).
        public static let extendedErrorCode: UInt16 = 15
    }

    /// The extended errors carried in the options (RFC 8914); malformed ones are skipped.
    public var extendedErrors: [ExtendedDNSError] {
        options.compactMap { option in
            guard option.code == Option.extendedErrorCode, option.data.count >= 2 else { return nil }
            let info = UInt16(option.data[0]) << 8 | UInt16(option.data[1])
            let text = String(decoding: option.data.dropFirst(2).prefix { $0 != 0 }, as: UTF8.self)
            return ExtendedDNSError(infoCode: info, extraText: text)
        }
    }

    init(record: ResourceRecord) throws(DNSError) {
        guard case .unknown(let bytes) = record.data else { throw .badRecordData(.opt, "unexpected data form") }
        var options: [Option] = []
        var index = 0
        while index < bytes.count {
            guard index + 4 <= bytes.count else { throw .badRecordData(.opt, "option header truncated") }
            let code = UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            guard index + 4 + length <= bytes.count else { throw .badRecordData(.opt, "option data truncated") }
            options.append(Option(code: code, data: Array(bytes[(index + 4)..<(index + 4 + length)])))
            index += 4 + length
        }
        self.init(
            udpPayloadSize: record.recordClass.rawValue,
            extendedResponseCodeHigh: UInt8(record.ttl >> 24),
            version: UInt8(record.ttl >> 16 & 0xFF),
            dnssecOK: record.ttl & 0x8000 != 0,
            options: options)
    }

    var record: ResourceRecord {
        var data: [UInt8] = []
        for option in options {
            data += [UInt8(option.code >> 8), UInt8(option.code & 0xFF), UInt8(option.data.count >> 8), UInt8(option.data.count & 0xFF)]
            data += option.data
        }
        let ttl = UInt32(extendedResponseCodeHigh) << 24 | UInt32(version) << 16 | (dnssecOK ? 0x8000 : 0)
        return ResourceRecord(name: .root, type: .opt, recordClass: RecordClass(rawValue: udpPayloadSize), ttl: ttl, data: .unknown(data))
    }
}

/// An extended DNS error (RFC 8914 §2): why a resolver failed, such as 6 "DNSSEC Bogus".
public struct ExtendedDNSError: Sendable, Hashable, CustomStringConvertible {
    public var infoCode: UInt16
    public var extraText: String

    public init(infoCode: UInt16, extraText: String) {
        self.infoCode = infoCode
        self.extraText = extraText
    }

    private static let names: [UInt16: String] = [
        0: "Other Error", 1: "Unsupported DNSKEY Algorithm", 2: "Unsupported DS Digest Type", 3: "Stale Answer",
        4: "Forged Answer", 5: "DNSSEC Indeterminate", 6: "DNSSEC Bogus", 7: "Signature Expired",
        8: "Signature Not Yet Valid", 9: "DNSKEY Missing", 10: "RRSIGs Missing", 11: "No Zone Key Bit Set",
        12: "NSEC Missing", 13: "Cached Error", 14: "Not Ready", 15: "Blocked", 16: "Censored", 17: "Filtered",
        18: "Prohibited", 19: "Stale NXDOMAIN Answer", 20: "Not Authoritative", 21: "Not Supported",
        22: "No Reachable Authority", 23: "Network Error", 24: "Invalid Data",
    ]

    /// The registered name of the info code (RFC 8914 §5.2).
    public var name: String { Self.names[infoCode] ?? "Unknown Error \(infoCode)" }

    /// Whether the code reports a DNSSEC validation failure (RFC 8914 codes 1, 2 and 5 to 12).
    public var isDNSSECFailure: Bool { [1, 2, 5, 6, 7, 8, 9, 10, 11, 12].contains(infoCode) }

    public var description: String {
        extraText.isEmpty ? "\(infoCode) (\(name))" : "\(infoCode) (\(name)): \(extraText)"
    }
}
