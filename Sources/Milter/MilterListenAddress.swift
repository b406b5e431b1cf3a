/// Where the milter listens, in Postfix's `smtpd_milters` notation: `inet:HOST:PORT` or `unix:PATH`.
public enum MilterListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// TCP on a host (an IP address; IPv6 in brackets) and port; port 0 picks a free one.
    case inet(host: String, port: Int)
    /// A Unix-domain socket at this path (an existing socket file there is replaced).
    case unix(path: String)

    /// Parses `inet:127.0.0.1:8891`, `inet:[::1]:8891` or `unix:/run/stockade/milter.sock`.
    public init?(_ text: String) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { return nil }
            self = .unix(path: path)
            return
        }
        guard text.hasPrefix("inet:"), let colon = text.lastIndex(of: ":"), colon > text.index(text.startIndex, offsetBy: 4),
              let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port)
        else { return nil }
        var host = String(text[text.index(text.startIndex, offsetBy: 5)..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self = .inet(host: host, port: port)
    }

    public var description: String {
        switch self {
        case .inet(let host, let port): host.contains(":") ? "inet:[\(host)]:\(port)" : "inet:\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }
}
