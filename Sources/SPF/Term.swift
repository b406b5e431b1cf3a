/// The qualifier in front of a mechanism and the result it gives on a match (RFC 7208 §4.6.2).
public enum Qualifier: Character, Sendable, Hashable {
    case pass = "+", fail = "-", softfail = "~", neutral = "?"

    /// The result a matching mechanism with this qualifier produces.
    public var result: SPFResult {
        switch self {
        case .pass: .pass
        case .fail: .fail
        case .softfail: .softfail
        case .neutral: .neutral
        }
    }
}

/// A mechanism with its arguments (RFC 7208 §5).
public enum Mechanism: Sendable, Hashable {
    /// `all` (§5.1).
    case all
    /// `include:<domain-spec>` (§5.2).
    case include(MacroString)
    /// `a[:<domain-spec>][<dual-cidr-length>]` (§5.3); `nil` means the current domain.
    case a(MacroString?, CIDRLengths)
    /// `mx[:<domain-spec>][<dual-cidr-length>]` (§5.4).
    case mx(MacroString?, CIDRLengths)
    /// `ptr[:<domain-spec>]` (§5.5), which §5.5 says not to publish.
    case ptr(MacroString?)
    /// `ip4:<ip4-network>[/<length>]` (§5.6).
    case ip4([UInt8], prefixLength: Int)
    /// `ip6:<ip6-network>[/<length>]` (§5.6).
    case ip6([UInt8], prefixLength: Int)
    /// `exists:<domain-spec>` (§5.7).
    case exists(MacroString)

    /// Whether evaluating it queries DNS, which counts towards the limit of §4.6.4.
    var queriesDNS: Bool {
        switch self {
        case .all, .ip4, .ip6: false
        case .include, .a, .mx, .ptr, .exists: true
        }
    }
}

/// The prefix lengths of `a` and `mx` (RFC 7208 §5.6 `dual-cidr-length`): 32 and 128 when not written.
public struct CIDRLengths: Sendable, Hashable {
    public var ipv4 = 32
    public var ipv6 = 128

    public init(ipv4: Int = 32, ipv6: Int = 128) {
        self.ipv4 = ipv4
        self.ipv6 = ipv6
    }

    /// The length for an address of the client's family.
    func length(for client: ClientAddress) -> Int { client.isIPv4 ? ipv4 : ipv6 }
}

/// A directive: an optional qualifier and a mechanism (RFC 7208 §4.6.1), with its text for reports.
public struct Directive: Sendable, Hashable {
    public var qualifier: Qualifier
    public var mechanism: Mechanism
    /// The term as written in the record, such as `-all` or `ip4:192.0.2.0/24`.
    public var text: String
}
