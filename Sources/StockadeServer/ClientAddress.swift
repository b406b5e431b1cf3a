import DNS
import HTTPFetch
import HTTPTypes

/// The address a request comes from, as the rate limits count it: the peer's address, or — when the peer is one of
/// the configured trusted proxies — the address the proxies forwarded (`Forwarded`, RFC 7239, else
/// `X-Forwarded-For`), read from the right and skipping every trusted proxy, so a client cannot pick its own key by
/// sending the header itself.
struct ClientAddress: Hashable, Sendable {
    /// 4 octets (IPv4) or 16 (IPv6); an IPv4-mapped IPv6 address is its IPv4 address.
    let bytes: [UInt8]

    init?(bytes: [UInt8]) {
        if bytes.count == 16, bytes.prefix(12).elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]) {
            self.bytes = Array(bytes.suffix(4))
        } else if bytes.count == 4 || bytes.count == 16 {
            self.bytes = bytes
        } else {
            return nil
        }
    }

    /// An address as written in a socket address or a forwarding header: `192.0.2.1`, `192.0.2.1:8080`,
    /// `2001:db8::1`, `[2001:db8::1]:443`, `"[2001:db8::1]"`, `::ffff:192.0.2.1`. Anything else (`unknown`,
    /// obfuscated identifiers, garbage) is nil.
    init?(_ text: Substring) {
        var text = Substring(text.trimmingBlanks())
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = text.dropFirst().dropLast() }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            text = text[text.index(after: text.startIndex)..<close]
        } else if text.filter({ $0 == ":" }).count == 1 {
            text = text[..<text.firstIndex(of: ":")!]  // IPv4 with a port
        }
        if let v4 = IPv4Address(String(text)) {
            self.init(bytes: v4.bytes)
        } else if text.lowercased().hasPrefix("::ffff:"), let v4 = IPv4Address(String(text.dropFirst(7))) {
            self.init(bytes: v4.bytes)
        } else if let v6 = IPv6Address(String(text)) {
            self.init(bytes: v6.bytes)
        } else {
            return nil
        }
    }

    /// The key rate limits count under: the whole IPv4 address (/32), the IPv6 network (/64), since one IPv6 client
    /// usually holds a whole /64.
    var limitKey: String {
        guard bytes.count == 16 else { return IPv4Address(bytes: bytes)!.description }
        return IPv6Address(bytes: Array(bytes.prefix(8)) + [UInt8](repeating: 0, count: 8))!.description + "/64"
    }

    /// The client of a request arriving from `peer` with `headers`.
    static func of(peer: ClientAddress?, headers: HTTPFields, trusting proxies: TrustedProxies) -> ClientAddress? {
        guard var client = peer, proxies.contains(client) else { return peer }
        var chain: [Substring] = []
        if let forwarded = headers[.forwarded] {
            for element in forwarded.split(separator: ",") {
                for pair in element.split(separator: ";") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2, parts[0].trimmingBlanks().lowercased() == "for" { chain.append(parts[1]) }
                }
            }
        } else if let forwardedFor = headers[.xForwardedFor] {
            chain = forwardedFor.split(separator: ",")
        }
        for hop in chain.reversed() {
            guard proxies.contains(client), let previous = ClientAddress(hop) else { break }
            client = previous
        }
        return client
    }
}

/// The proxies whose forwarding headers are believed: addresses or CIDR prefixes (`10.0.0.0/8`, `2001:db8::/32`).
struct TrustedProxies: Sendable {
    private let prefixes: [(network: [UInt8], length: Int)]

    /// - Parameter setting: the setting's name for the error, e.g. `keyServer.trustedProxies`.
    init(_ list: [String], setting: String) throws {
        prefixes = try list.map { entry in
            let parts = entry.split(separator: "/", maxSplits: 1)
            guard let address = ClientAddress(parts[0]) else {
                throw ConfigurationError(reason: "\(setting): \(entry) is not an IP address or CIDR prefix")
            }
            let maximum = address.bytes.count * 8
            guard let length = parts.count == 2 ? Int(parts[1]) : maximum, (0...maximum).contains(length) else {
                throw ConfigurationError(reason: "\(setting): \(entry) has a prefix length outside 0...\(maximum)")
            }
            return (address.bytes, length)
        }
    }

    func contains(_ address: ClientAddress) -> Bool {
        prefixes.contains { prefix in
            guard prefix.network.count == address.bytes.count else { return false }
            var remaining = prefix.length
            for (a, b) in zip(prefix.network, address.bytes) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                guard a & mask == b & mask else { return false }
                remaining -= bits
            }
            return true
        }
    }
}

extension HTTPField.Name {
    static let forwarded = HTTPField.Name("Forwarded")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
