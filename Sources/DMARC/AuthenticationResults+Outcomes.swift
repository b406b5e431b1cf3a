extension AuthenticationResults {
    /// The field a receiver adds for one message (RFC 8601 §2.7; RFC 9989 §9.1): `spf=` with `smtp.mailfrom`, one
    /// `dkim=` per signature with `header.d`, `header.s` and `header.b` (RFC 6008), and `dmarc=` with `policy.dmarc`
    /// (the disposition, when there is one) and `header.from`.
    /// - Parameters:
    ///   - authservID: this receiver's name; remove fields that claim it before adding this one (``hasAuthservID(_:in:)``).
    ///   - mailFrom: the MAIL FROM address (or domain) SPF checked; `spf.domain` when `nil`.
    ///   - dmarc: the DMARC result, `nil` when DMARC was not evaluated.
    ///   - authorDomain: the RFC5322.From domain.
    public init(authservID: String, spf: SPFOutcome?, mailFrom: String? = nil, dkim: [DKIMOutcome], dmarc: DMARCResult?,
                authorDomain: String) {
        var results: [MethodResult] = []
        if let spf {
            results.append(MethodResult(method: "spf", result: spf.result.rawValue,
                                        properties: [Property("smtp", "mailfrom", mailFrom ?? spf.domain)]))
        }
        for signature in dkim {
            var properties = [Property("header", "d", signature.domain)]
            if let selector = signature.selector { properties.append(Property("header", "s", selector)) }
            if let prefix = signature.signaturePrefix { properties.append(Property("header", "b", prefix)) }
            results.append(MethodResult(method: "dkim", result: signature.result.rawValue, properties: properties))
        }
        if let dmarc {
            var properties: [Property] = []
            if let disposition = dmarc.disposition { properties.append(Property("policy", "dmarc", disposition.rawValue)) }
            properties.append(Property("header", "from", authorDomain))
            results.append(MethodResult(method: "dmarc", result: dmarc.verdict.rawValue, properties: properties))
        }
        self.init(authservID: authservID, results: results)
    }
}
