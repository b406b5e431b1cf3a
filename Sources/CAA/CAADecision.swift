public import DNS

/// Whether a CA may issue for a request, with the relevant RRset it read and why (RFC 8659 §3, §4).
public struct CAADecision: Sendable, Hashable {
    public var permitted: Bool
    /// The name whose CAA RRset decided (§3), nil when no name up to the top-level domain had one.
    public var relevantName: DNSName?
    /// The properties of the relevant RRset, in the order DNS gave them.
    public var properties: [CAAProperty]
    /// One sentence naming the rule and its section.
    public var reason: String

    public init(permitted: Bool, relevantName: DNSName?, properties: [CAAProperty], reason: String) {
        self.permitted = permitted
        self.relevantName = relevantName
        self.properties = properties
        self.reason = reason
    }

    /// The decision for `request` given the relevant RRset found at `name` (RFC 8659 §4.1–§4.3, RFC 8657 §3–§4).
    public static func decide(_ request: IssuanceRequest, relevantName name: DNSName, records: [DNS.CAA]) -> CAADecision {
        let properties = records.map(CAAProperty.init)
        func decision(_ permitted: Bool, _ reason: String) -> CAADecision {
            CAADecision(permitted: permitted, relevantName: name, properties: properties, reason: reason)
        }
        for property in properties where property.isCritical {
            if case .unknown(let tag) = property.kind {
                return decision(false, "critical property with unknown tag \"\(tag)\" forbids issuance (RFC 8659 §4.1)")
            }
        }
        let issue = properties.filter { if case .issue = $0.kind { true } else { false } }
        let issuewild = properties.filter { if case .issuewild = $0.kind { true } else { false } }
        // issuewild is ignored for a name that is not a wildcard; for a wildcard it replaces issue when present (§4.3).
        let (candidates, tag, section) = request.isWildcard && !issuewild.isEmpty
            ? (issuewild, "issuewild", "RFC 8659 §4.3") : (issue, "issue", "RFC 8659 §4.2")
        guard !candidates.isEmpty else {
            let which = request.isWildcard ? "issuewild or issue" : "issue"
            return decision(true, "no \(which) property at \(name): issuance is not restricted (\(section))")
        }
        var refusals: [String] = []
        for property in candidates {
            // A malformed value counts as an empty issuer: it permits no one (§4.2).
            guard let value = property.issueValue, value.issuerDomain == request.issuer else { continue }
            if let refusal = Self.unsatisfied(value, by: request) {
                refusals.append(refusal)
            } else {
                return decision(true, "\(tag) property names \(request.issuer) (\(section))")
            }
        }
        if let refusal = refusals.first { return decision(false, refusal) }
        return decision(false, "no \(tag) property at \(name) permits \(request.issuer) (\(section))")
    }

    /// Why a property naming the issuer cannot authorize this request under RFC 8657's parameters, or nil.
    static func unsatisfied(_ value: IssueValue, by request: IssuanceRequest) -> String? {
        let accounts = value.values(of: "accounturi")
        if accounts.count > 1 { return "issue property with \(accounts.count) accounturi parameters is unsatisfiable (RFC 8657 §3)" }
        if let account = accounts.first, account != request.accountURI {
            return "issue property for \(request.issuer) is restricted to account \(account) (RFC 8657 §3)"
        }
        let methodLists = value.values(of: "validationmethods")
        if methodLists.count > 1 {
            return "issue property with \(methodLists.count) validationmethods parameters is unsatisfiable (RFC 8657 §4)"
        }
        if let list = methodLists.first {
            let methods = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard methods.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0.isAlphanumeric || $0 == UInt8(ascii: "-") } }) else {
                return "issue property with a malformed validationmethods parameter is unsatisfiable (RFC 8657 §4)"
            }
            guard let method = request.validationMethod, methods.contains(method) else {
                return "issue property for \(request.issuer) is restricted to validation methods \(list) (RFC 8657 §4)"
            }
        }
        return nil
    }
}
