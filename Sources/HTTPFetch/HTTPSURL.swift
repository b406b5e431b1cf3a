import DNS

/// An `https` URL reduced to what a GET needs: host, port and request target (RFC 9110 §4.2.2, RFC 3986 §3).
///
/// The host must be a DNS name (IP literals are refused: MTA-STS and WKD always name hosts, and the certificate is
/// checked against that name). User information is refused; a fragment is dropped.
struct HTTPSURL: Sendable, Hashable, CustomStringConvertible {
    /// Lower-cased, without a trailing dot.
    var host: String
    /// The port the URL names, if any.
    var explicitPort: Int?
    /// Path and query, starting with `/`.
    var target: String

    init(_ text: String) throws(HTTPFetchError) {
        guard text.count > 8, text.prefix(8).lowercased() == "https://" else { throw .invalidURL(text) }
        var rest = text.dropFirst(8)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        guard !authority.contains("@"), !authority.hasPrefix("[") else { throw .invalidURL(text) }
        var host = authority
        var port: Int?
        if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            let digits = authority[authority.index(after: colon)...]
            if !digits.isEmpty {
                guard digits.allSatisfy(\.isASCII), let value = Int(digits), (1...65_535).contains(value) else { throw .invalidURL(text) }
                port = value
            }
        }
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }),
              !name.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty),
              !name.allSatisfy({ $0.isNumber || $0 == "." }),
              (try? DNSName(name)) != nil
        else { throw .invalidURL(text) }
        guard target.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else { throw .invalidURL(text) }
        self.host = name
        self.explicitPort = port
        self.target = target
    }

    var description: String {
        "https://\(host)\(explicitPort.map { ":\($0)" } ?? "")\(target)"
    }

    /// The port to connect to.
    func port(default defaultPort: Int) -> Int { explicitPort ?? defaultPort }

    /// Where a `Location` field value points, resolved against this URL (RFC 9110 §10.2.2, RFC 3986 §5.2).
    /// Returns the scheme and the absolute URL text; the caller decides whether the scheme is acceptable.
    func resolving(_ location: String) -> (scheme: String, url: String) {
        let value = location.trimmingCharacters()
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) before the first ":" (RFC 3986 §3.1)
        if let colon = value.firstIndex(where: { ":/?#".contains($0) }), value[colon] == ":",
           let first = value.first, first.isASCII, first.isLetter,
           value[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) {
            return (value[..<colon].lowercased(), value)
        }
        let authority = "https://\(host)\(explicitPort.map { ":\($0)" } ?? "")"
        if value.hasPrefix("//") { return ("https", "https:" + value) }
        if value.hasPrefix("/") { return ("https", authority + value) }
        if value.hasPrefix("?") {
            let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "/"
            return ("https", authority + path + value)
        }
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "/"
        let directory = path.lastIndex(of: "/").map { path[...$0] } ?? "/"
        return ("https", authority + directory + value)
    }
}

extension String {
    func trimmingCharacters() -> String { self[...].trimmingBlanks() }
}
