/// The start of a zone of authority (RFC 1035 §3.3.13).
public struct SOA: Sendable, Hashable {
    public var primary: DNSName
    public var mailbox: DNSName
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    /// The negative-caching TTL (RFC 2308 §4).
    public var minimum: UInt32

    public init(primary: DNSName, mailbox: DNSName, serial: UInt32, refresh: UInt32, retry: UInt32, expire: UInt32, minimum: UInt32) {
        self.primary = primary
        self.mailbox = mailbox
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }
}

/// A mail exchanger (RFC 1035 §3.3.9).
public struct MX: Sendable, Hashable {
    public var preference: UInt16
    public var exchange: DNSName

    public init(preference: UInt16, exchange: DNSName) {
        self.preference = preference
        self.exchange = exchange
    }
}

/// A service location (RFC 2782).
public struct SRV: Sendable, Hashable {
    public var priority: UInt16
    public var weight: UInt16
    public var port: UInt16
    public var target: DNSName

    public init(priority: UInt16, weight: UInt16, port: UInt16, target: DNSName) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }
}

/// A certification authority authorization (RFC 8659 §4.1).
public struct CAA: Sendable, Hashable {
    public var flags: UInt8
    /// The property tag, such as `issue`; 1 to 15 letters and digits.
    public var tag: [UInt8]
    public var value: [UInt8]

    public init(flags: UInt8, tag: String, value: String) {
        self.flags = flags
        self.tag = Array(tag.utf8)
        self.value = Array(value.utf8)
    }

    init(flags: UInt8, tag: [UInt8], value: [UInt8]) {
        self.flags = flags
        self.tag = tag
        self.value = value
    }

    /// The issuer-critical flag (RFC 8659 §4.1).
    public var isCritical: Bool { flags & 0x80 != 0 }
}

/// A TLS certificate association (RFC 6698 §2.1).
public struct TLSA: Sendable, Hashable {
    /// 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE (RFC 7218).
    public var usage: UInt8
    /// 0 full certificate, 1 SubjectPublicKeyInfo.
    public var selector: UInt8
    /// 0 exact, 1 SHA-256, 2 SHA-512.
    public var matchingType: UInt8
    public var data: [UInt8]

    public init(usage: UInt8, selector: UInt8, matchingType: UInt8, data: [UInt8]) {
        self.usage = usage
        self.selector = selector
        self.matchingType = matchingType
        self.data = data
    }
}
