import DNS

/// The IP address of the SMTP client, `<ip>` of RFC 7208 §4.1. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`)
/// is the IPv4 address it carries, as the client really is an IPv4 host.
public struct ClientAddress: Sendable, Hashable, CustomStringConvertible {
    /// Four octets for IPv4, sixteen for IPv6.
    public let bytes: [UInt8]

    /// The address in `text`: dotted-quad IPv4, or IPv6 (RFC 4291 §2.2, with an embedded IPv4 tail allowed).
    public init(_ text: String) throws(SPFError) {
        if let v4 = Self.ipv4Bytes(text) {
            bytes = v4
        } else if let v6 = Self.ipv6Bytes(text) {
            let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
            bytes = v6.starts(with: mappedPrefix) ? Array(v6.suffix(4)) : v6
        } else {
            throw .invalidAddress(text)
        }
    }

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool { bytes.count == 4 }

    /// The address record type that holds addresses of this family.
    var addressType: RecordType { isIPv4 ? .a : .aaaa }

    /// `in-addr` or `ip6`, the `%{v}` macro (RFC 7208 §7.3).
    var version: String { isIPv4 ? "in-addr" : "ip6" }

    /// The `%{i}` macro: dotted quad, or 32 dot-separated nibbles for IPv6 (RFC 7208 §7.3). The nibbles are upper-case
    /// hex, as the RFC 7208 test suite's `v-macro-ip6` explanation has them (§7.4's example is in lower case; DNS
    /// names compare without case, so only explanations show the difference).
    var dotted: String {
        isIPv4 ? bytes.map(String.init).joined(separator: ".") : nibbles.joined(separator: ".")
    }

    /// The name of the PTR records of this address (RFC 1035 §3.5, RFC 3596 §2.5).
    var reverseName: String {
        isIPv4
            ? bytes.reversed().map(String.init).joined(separator: ".") + ".in-addr.arpa"
            : nibbles.reversed().joined(separator: ".") + ".ip6.arpa"
    }

    private var nibbles: [String] {
        bytes.flatMap { [String($0 >> 4, radix: 16, uppercase: true), String($0 & 0xF, radix: 16, uppercase: true)] }
    }

    /// The `%{c}` macro and the printed form: dotted quad, or RFC 5952 text for IPv6.
    public var description: String {
        isIPv4 ? dotted : IPv6Address(bytes: bytes)!.description
    }

    /// Whether this address lies in `network`/`prefixLength` of the same family.
    func isIn(_ network: [UInt8], prefixLength: Int) -> Bool {
        guard network.count == bytes.count else { return false }
        var remaining = prefixLength
        for (own, other) in zip(bytes, network) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if own & mask != other & mask { return false }
            remaining -= 8
        }
        return true
    }

    /// Whether `record` is an address record equal to this address with the first `prefixLength` bits.
    func isIn(_ record: ResourceRecord, prefixLength: Int) -> Bool {
        switch record.data {
        case .a(let address): isIn(address.bytes, prefixLength: prefixLength)
        case .aaaa(let address): isIn(address.bytes, prefixLength: prefixLength)
        default: false
        }
    }

    /// The octets of a dotted-quad IPv4 address where each number has no leading zero (RFC 7208 §12 `qnum`).
    static func ipv4Bytes(_ text: some StringProtocol) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.utf8.count), part.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                  part.utf8.count == 1 || part.utf8.first != 0x30, let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    /// The octets of an IPv6 address, allowing a dotted-quad tail (RFC 4291 §2.2 form 3).
    static func ipv6Bytes(_ text: some StringProtocol) -> [UInt8]? {
        guard text.contains(":") else { return nil }
        guard let lastColon = text.lastIndex(of: ":") else { return nil }
        let tail = text[text.index(after: lastColon)...]
        guard tail.contains(".") else { return IPv6Address(String(text))?.bytes }
        guard let v4 = ipv4Bytes(tail) else { return nil }
        let groups = [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
        let rewritten = text[...lastColon] + groups.map { String($0, radix: 16) }.joined(separator: ":")
        return IPv6Address(String(rewritten))?.bytes
    }
}
