import SPF

/// One network of `milter.trustedForwarders` or `milter.trustedNetworks`: `192.0.2.0/24`, `2001:db8::/32`, or a bare
/// address (all its bits).
struct MilterNetwork: Sendable, Equatable {
    let address: SPF.ClientAddress
    let prefixLength: Int

    /// - Throws: ``ConfigurationError`` for an address that does not parse or a prefix beyond the family's bits.
    init(_ text: String, setting: String) throws {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = try? SPF.ClientAddress(String(parts[0])) else {
            throw ConfigurationError(reason: "\(setting): \(text) is not an address or network")
        }
        let bits = address.bytes.count * 8
        let length = parts.count == 2 ? Int(parts[1]) : bits
        guard let length, (0...bits).contains(length) else {
            throw ConfigurationError(reason: "\(setting): \(text) has a prefix length outside 0–\(bits)")
        }
        self.address = address
        prefixLength = length
    }

    /// Whether `client` lies in this network (of the same family).
    func contains(_ client: SPF.ClientAddress) -> Bool {
        guard client.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for (ours, theirs) in zip(address.bytes, client.bytes) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            guard ours & mask == theirs & mask else { return false }
            remaining -= 8
        }
        return true
    }
}
