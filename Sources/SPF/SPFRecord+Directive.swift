extension SPFRecord {
    /// Parses `[qualifier] mechanism` (§4.6.1, §12).
    static func directive(_ term: Substring) throws(SPFError) -> Directive {
        var rest = term
        var qualifier = Qualifier.pass
        if let first = rest.first, let written = Qualifier(rawValue: first) {
            qualifier = written
            rest.removeFirst()
        }
        let nameEnd = rest.firstIndex { $0 == ":" || $0 == "/" } ?? rest.endIndex
        let name = rest[..<nameEnd].lowercased()
        var argument = rest[nameEnd...]
        func domainSpec() throws(SPFError) -> MacroString? {
            guard argument.first == ":" else { return nil }
            return try MacroString(parsing: String(argument.dropFirst()), context: .domainSpec)
        }
        func required(_ spec: MacroString?) throws(SPFError) -> MacroString {
            guard let spec else { throw .syntax("\(term): \(name) needs \":\" and a domain") }
            return spec
        }
        let mechanism: Mechanism
        switch name {
        case "all":
            guard argument.isEmpty else { throw .syntax("\(term): all takes no argument") }
            mechanism = .all
        case "include":
            mechanism = .include(try required(try domainSpec()))
        case "exists":
            mechanism = .exists(try required(try domainSpec()))
        case "ptr":
            mechanism = .ptr(try domainSpec())
            if argument.first == "/" { throw .syntax("\(term): ptr takes no prefix length") }
        case "a", "mx":
            let lengths = try Self.dualCIDR(&argument, term: term)
            let spec = try domainSpec()
            if !argument.isEmpty && spec == nil { throw .syntax("\(term): unexpected \(argument)") }
            mechanism = name == "a" ? .a(spec, lengths) : .mx(spec, lengths)
        case "ip4", "ip6":
            guard argument.first == ":" else { throw .syntax("\(term): \(name) needs \":\" and a network") }
            var network = argument.dropFirst()
            let isV4 = name == "ip4"
            var length = isV4 ? 32 : 128
            if let slash = network.firstIndex(of: "/") {
                length = try Self.prefixLength(network[network.index(after: slash)...], maximum: length, term: term)
                network = network[..<slash]
            }
            guard let bytes = isV4 ? ClientAddress.ipv4Bytes(network) : ClientAddress.ipv6Bytes(network) else {
                throw .syntax("\(term): \(network) is not an \(isV4 ? "IPv4" : "IPv6") address")
            }
            mechanism = isV4 ? .ip4(bytes, prefixLength: length) : .ip6(bytes, prefixLength: length)
        default:
            throw .syntax("\(term): unknown mechanism \"\(name)\"")
        }
        return Directive(qualifier: qualifier, mechanism: mechanism, text: String(term))
    }

    /// Takes a trailing `dual-cidr-length` (`/n`, `//n`, `/n//m`) off `argument` (§5.6, §12).
    private static func dualCIDR(_ argument: inout Substring, term: Substring) throws(SPFError) -> CIDRLengths {
        var lengths = CIDRLengths()
        if let slash = argument.lastIndex(of: "/"), slash > argument.startIndex, argument[argument.index(before: slash)] == "/" {
            let digits = argument[argument.index(after: slash)...]
            if digits.allSatisfy(\.isASCIIDigit) {
                lengths.ipv6 = try prefixLength(digits, maximum: 128, term: term)
                argument = argument[..<argument.index(before: slash)]
            }
        }
        if let slash = argument.lastIndex(of: "/") {
            let digits = argument[argument.index(after: slash)...]
            if digits.allSatisfy(\.isASCIIDigit) {
                lengths.ipv4 = try prefixLength(digits, maximum: 32, term: term)
                argument = argument[..<slash]
            }
        }
        return lengths
    }

    /// A prefix length: digits without a leading zero (§12 `ip4-cidr-length`), at most `maximum`.
    private static func prefixLength(_ digits: Substring, maximum: Int, term: Substring) throws(SPFError) -> Int {
        guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy(\.isASCIIDigit), digits == "0" || digits.first != "0",
              let value = Int(digits), value <= maximum else {
            throw .syntax("\(term): invalid prefix length /\(digits)")
        }
        return value
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
