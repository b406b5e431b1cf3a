public import DKIM
public import DMARC
public import DNS
public import SPF

/// SPF, DKIM and DMARC for one received message, as a receiving MTA runs them: SPF on the envelope (MAIL FROM, or
/// the HELO identity for a null reverse-path, RFC 7208 §2.4), every DKIM signature, then DMARC on each Author Domain
/// with those outcomes. What `stockade dmarc check` prints and the milter enforces.
public struct MailAuthenticator: Sendable {
    let spf: SPFChecker<Resolver<ContinuousClock>>
    let dkim: DKIMVerifier
    let dmarc: DMARCEvaluator

    /// - Parameters:
    ///   - receivingHost: this MTA's name, the `%{r}` of SPF explanations.
    ///   - mode: RFC 9989 (the tree walk) or RFC 7489 (the Public Suffix List).
    public init(resolver: Resolver<ContinuousClock>, receivingHost: String = "unknown", mode: DMARCEvaluator.Mode = .rfc9989) {
        spf = SPFChecker(resolver: resolver, receivingHost: receivingHost)
        dkim = DKIMVerifier(resolver: resolver)
        dmarc = DMARCEvaluator(dns: ResolverDMARCDNS(resolver: resolver), mode: mode)
    }

    /// Authenticates `message` received from `client` (an IP address) that said `helo` and `MAIL FROM:<mailFrom>`
    /// (empty for the null reverse-path).
    public func authenticate(_ message: DKIMMessage, client: ClientAddress, helo: String, mailFrom: String) async -> MessageAuthentication {
        async let spfVerdict = spf.check(client: client, mailFrom: mailFrom, helo: helo)
        async let dkimVerdicts = dkim.verify(message)
        let spfDomain = Self.domain(ofMailFrom: mailFrom) ?? helo.lowercased()
        let spfOutcome = SPFOutcome(result: SPFOutcome.Result(rawValue: await spfVerdict.result.rawValue) ?? .permerror, domain: spfDomain)
        let verdicts = await dkimVerdicts
        let dkimOutcomes = verdicts.compactMap(Self.outcome)
        // A key in testing mode (t=y) counts as no signature at all (RFC 6376 §3.6.1): shown, never aligned.
        let counted = verdicts.filter { !$0.isTesting }.compactMap(Self.outcome)
        var dmarcResults: [(domain: String, result: DMARCResult)] = []
        let authors = AuthorDomains.of(message.headers)
        if case .success(let domains) = authors {
            for domain in domains {
                dmarcResults.append((domain, await dmarc.evaluate(authorDomain: domain, spf: spfOutcome, dkim: counted)))
            }
        }
        return MessageAuthentication(spf: await spfVerdict, spfOutcome: spfOutcome, mailFrom: mailFrom, dkim: verdicts,
                                     dkimOutcomes: dkimOutcomes, authors: authors, dmarc: dmarcResults)
    }

    /// A MAIL FROM argument without its angle brackets: `<a@b>` is `a@b`, `<>` (the null reverse-path) is empty.
    public static func reversePath(_ mailFrom: String) -> String {
        mailFrom.hasPrefix("<") && mailFrom.hasSuffix(">") ? String(mailFrom.dropFirst().dropLast()) : mailFrom
    }

    /// The domain of a MAIL FROM address; nil for the null reverse-path.
    static func domain(ofMailFrom mailFrom: String) -> String? {
        let address = reversePath(mailFrom)
        guard !address.isEmpty else { return nil }
        guard let at = address.lastIndex(of: "@") else { return address.lowercased() }
        return String(address[address.index(after: at)...]).lowercased()
    }

    /// A signature's outcome for DMARC; nil for a signature without a usable `d=` (it cannot align).
    static func outcome(_ verdict: DKIMVerdict) -> DKIMOutcome? {
        guard let domain = verdict.domain else { return nil }
        return DKIMOutcome(result: DKIMOutcome.Result(rawValue: verdict.result.rawValue) ?? .permerror, domain: domain,
                           selector: verdict.selector)
    }
}
