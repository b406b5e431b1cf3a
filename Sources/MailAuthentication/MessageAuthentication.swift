public import DKIM
public import DMARC
public import SPF

/// What SPF, DKIM and DMARC said about one message, and what the Domain Owners ask the receiver to do with it.
public struct MessageAuthentication: Sendable {
    /// SPF on the MAIL FROM identity (or the HELO identity for a null reverse-path).
    public let spf: SPFVerdict
    /// The SPF outcome DMARC used: the result and the domain checked.
    public let spfOutcome: SPFOutcome
    /// The MAIL FROM address as given (empty for the null reverse-path).
    public let mailFrom: String
    /// Every signature's verdict, top first.
    public let dkim: [DKIMVerdict]
    /// The outcomes DMARC used: the signatures with a `d=`.
    public let dkimOutcomes: [DKIMOutcome]
    /// The Author Domains, or why the message has none DMARC can use.
    public let authors: Result<[String], AuthorProblem>
    /// DMARC for each Author Domain, in order.
    public let dmarc: [(domain: String, result: DMARCResult)]

    /// What the Domain Owners' policies ask for, the strictest over every Author Domain (RFC 9989, "Denial of DMARC
    /// Processing Attacks"): a failing `reject` wins over everything, then a DNS failure (`temperror`: the receiver
    /// cannot tell, so it asks the sender to retry), then a failing `quarantine`.
    public var requested: RequestedDisposition {
        if case .failure(let problem) = authors { return .noAuthorDomain(problem) }
        func failing(_ policy: DMARCRecord.Policy) -> (domain: String, result: DMARCResult)? {
            dmarc.first { $0.result.verdict == .fail && $0.result.disposition == policy }
        }
        if let reject = failing(.reject) { return .reject(domain: reject.domain, reason: reject.result.reason) }
        if let error = dmarc.first(where: { $0.result.verdict == .temperror }) {
            return .temporaryFailure(domain: error.domain, reason: error.result.reason)
        }
        if let quarantine = failing(.quarantine) { return .quarantine(domain: quarantine.domain, reason: quarantine.result.reason) }
        return .deliver
    }

    /// The Authentication-Results field for this message (RFC 8601), without the `Authentication-Results:` name: `spf=`
    /// with `smtp.mailfrom`, one `dkim=` per signature, one `dmarc=` per Author Domain with `header.from`.
    public func authenticationResults(authservID: String) -> AuthenticationResults {
        let first = dmarc.first
        var field = AuthenticationResults(authservID: authservID, spf: spfOutcome, mailFrom: mailFrom.isEmpty ? nil : MailAuthenticator.reversePath(mailFrom),
                                          dkim: dkimOutcomes, dmarc: first?.result, authorDomain: first?.domain ?? "")
        for (domain, result) in dmarc.dropFirst() {
            var properties: [AuthenticationResults.Property] = []
            if let disposition = result.disposition { properties.append(.init("policy", "dmarc", disposition.rawValue)) }
            properties.append(.init("header", "from", domain))
            field.results.append(.init(method: "dmarc", result: result.verdict.rawValue, properties: properties))
        }
        return field
    }
}

/// The handling DMARC asks for.
public enum RequestedDisposition: Sendable, Hashable {
    /// Pass, `none`, no policy, or a failing `p=none`: deliver as usual.
    case deliver
    /// A failing `quarantine` (or `reject` lowered by `t=y`).
    case quarantine(domain: String, reason: String)
    /// A failing `reject`.
    case reject(domain: String, reason: String)
    /// A DNS lookup DMARC needed failed (RFC 9989 §5.3.6).
    case temporaryFailure(domain: String, reason: String)
    /// The message has no single From field or no readable Author Domain: outside DMARC; the receiver decides.
    case noAuthorDomain(AuthorProblem)
}
