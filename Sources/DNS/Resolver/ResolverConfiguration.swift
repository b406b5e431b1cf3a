#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import NIOCore

/// Where and how the resolver asks: servers, the trust placed in their AD bit, timeouts and cache size.
public struct ResolverConfiguration: Sendable {
    /// Which servers' AD bit is believed (RFC 6698 §4.1 and RFC 4035 §4.9.3: only over a secure channel).
    public enum Trust: Sendable, Hashable {
        /// Servers on loopback addresses only, as Postfix's `smtp_dns_support_level = dnssec` assumes.
        case loopbackOnly
        /// Every configured server.
        case all
        /// No server: every answer is `indeterminate`.
        case none
    }

    public var servers: [SocketAddress]
    public var trust: Trust
    /// How long to wait for one server's reply.
    public var timeout: Duration
    /// How many rounds over the server list before giving up.
    public var attempts: Int
    /// How many answers the cache keeps at most.
    public var cacheCapacity: Int
    /// The longest time an answer is cached, whatever its TTL.
    public var maximumCacheTTL: UInt32

    public static let defaultPort = 53

    public init(servers: [SocketAddress], trust: Trust = .loopbackOnly, timeout: Duration = .seconds(2), attempts: Int = 2,
                cacheCapacity: Int = 10_000, maximumCacheTTL: UInt32 = 86_400) {
        self.servers = servers
        self.trust = trust
        self.timeout = timeout
        self.attempts = attempts
        self.cacheCapacity = cacheCapacity
        self.maximumCacheTTL = maximumCacheTTL
    }

    /// Servers given as `host`, `host:port`, `[v6]:port` or a bare IPv6 address.
    public init(servers: [String], trust: Trust = .loopbackOnly) throws(DNSError) {
        self.init(servers: try servers.map(Self.socketAddress), trust: trust)
    }

    /// The configuration of a resolv.conf text: `nameserver` lines and `options timeout:N attempts:N`.
    public init(resolvConf text: String) throws(DNSError) {
        var servers: [SocketAddress] = []
        var timeout = Duration.seconds(2)
        var attempts = 2
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let keyword = fields.first, !keyword.hasPrefix("#"), !keyword.hasPrefix(";") else { continue }
            switch keyword {
            case "nameserver" where fields.count >= 2:
                let host = fields[1].split(separator: "%").first.map(String.init) ?? ""
                if let address = try? SocketAddress(ipAddress: host, port: Self.defaultPort) { servers.append(address) }
            case "options":
                for option in fields.dropFirst() {
                    if option.hasPrefix("timeout:"), let value = Int(option.dropFirst(8)), value > 0 { timeout = .seconds(min(value, 30)) }
                    if option.hasPrefix("attempts:"), let value = Int(option.dropFirst(9)), value > 0 { attempts = min(value, 5) }
                }
            default:
                continue
            }
        }
        guard !servers.isEmpty else { throw .noServers }
        self.init(servers: servers, timeout: timeout, attempts: attempts)
    }

    /// The configuration of the system's `/etc/resolv.conf` (or another file).
    public static func fromResolvConf(path: String = "/etc/resolv.conf") throws(DNSError) -> ResolverConfiguration {
        let text: String
        do {
            text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        } catch {
            throw .invalidConfiguration("cannot read \(path)")
        }
        return try ResolverConfiguration(resolvConf: text)
    }

    /// Parses `host`, `host:port`, `[v6]` or `[v6]:port`.
    public static func socketAddress(_ text: String) throws(DNSError) -> SocketAddress {
        var host = text
        var port = defaultPort
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .invalidConfiguration("unbalanced bracket in \(text)") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = Int(rest.dropFirst()) else { throw .invalidConfiguration("bad port in \(text)") }
                port = value
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            guard let value = Int(text[text.index(after: colon)...]) else { throw .invalidConfiguration("bad port in \(text)") }
            port = value
        }
        guard (1...65_535).contains(port) else { throw .invalidConfiguration("port out of range in \(text)") }
        do {
            return try SocketAddress(ipAddress: host, port: port)
        } catch {
            throw .invalidConfiguration("\(host) is not an IP address")
        }
    }

    func isTrusted(_ server: SocketAddress) -> Bool {
        switch trust {
        case .all: return true
        case .none: return false
        case .loopbackOnly:
            guard let host = server.ipAddress else { return false }
            return server.protocol == .inet ? host.hasPrefix("127.") : host == "::1"
        }
    }
}
