/// A resource record type (RFC 1035 §3.2.2 and later registrations). Unknown values print as `TYPEnnn`
/// (RFC 3597 §5).
public struct RecordType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = RecordType(rawValue: 1)
    public static let ns = RecordType(rawValue: 2)
    public static let cname = RecordType(rawValue: 5)
    public static let soa = RecordType(rawValue: 6)
    public static let ptr = RecordType(rawValue: 12)
    public static let mx = RecordType(rawValue: 15)
    public static let txt = RecordType(rawValue: 16)
    public static let aaaa = RecordType(rawValue: 28)
    public static let srv = RecordType(rawValue: 33)
    public static let opt = RecordType(rawValue: 41)
    public static let ds = RecordType(rawValue: 43)
    public static let rrsig = RecordType(rawValue: 46)
    public static let nsec = RecordType(rawValue: 47)
    public static let dnskey = RecordType(rawValue: 48)
    public static let nsec3 = RecordType(rawValue: 50)
    public static let nsec3param = RecordType(rawValue: 51)
    public static let tlsa = RecordType(rawValue: 52)
    public static let openpgpkey = RecordType(rawValue: 61)
    public static let any = RecordType(rawValue: 255)
    public static let caa = RecordType(rawValue: 257)

    private static let mnemonics: [UInt16: String] = [
        1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV", 41: "OPT",
        43: "DS", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 50: "NSEC3", 51: "NSEC3PARAM", 52: "TLSA", 61: "OPENPGPKEY",
        255: "ANY", 257: "CAA",
    ]
    private static let byMnemonic: [String: UInt16] = Dictionary(uniqueKeysWithValues: mnemonics.map { ($1, $0) })

    /// The mnemonic, or `TYPEnnn` for a type without one.
    public var description: String { Self.mnemonics[rawValue] ?? "TYPE\(rawValue)" }

    /// A type from its mnemonic (`MX`, case-insensitive) or from `TYPEnnn`.
    public init?(_ text: String) {
        let upper = text.uppercased()
        if let value = Self.byMnemonic[upper] {
            self.init(rawValue: value)
        } else if upper.hasPrefix("TYPE"), let value = UInt16(upper.dropFirst(4)) {
            self.init(rawValue: value)
        } else {
            return nil
        }
    }
}

/// A record class; only IN is used in practice (RFC 1035 §3.2.4).
public struct RecordClass: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let internet = RecordClass(rawValue: 1)
    public var description: String { rawValue == 1 ? "IN" : "CLASS\(rawValue)" }
}

/// A response code, including the extended bits carried in EDNS (RFC 6895 §2.3).
public struct ResponseCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let noError = ResponseCode(rawValue: 0)
    public static let formatError = ResponseCode(rawValue: 1)
    public static let serverFailure = ResponseCode(rawValue: 2)
    public static let nameError = ResponseCode(rawValue: 3)
    public static let notImplemented = ResponseCode(rawValue: 4)
    public static let refused = ResponseCode(rawValue: 5)
    public static let badVersion = ResponseCode(rawValue: 16)

    private static let names: [UInt16: String] = [
        0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED", 16: "BADVERS",
    ]
    /// The name dig prints, such as `NXDOMAIN`.
    public var description: String { Self.names[rawValue] ?? "RCODE\(rawValue)" }
}
