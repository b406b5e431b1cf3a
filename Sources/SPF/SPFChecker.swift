import DNS

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runs the `check_host()` function of RFC 7208 §4 through a resolver.
///
/// ```swift
/// let checker = SPFChecker(resolver: resolver)
/// let verdict = await checker.check(client: try ClientAddress("192.0.2.1"), mailFrom: "user@example.com", helo: "mx.example.com")
/// ```
public struct SPFChecker<R: SPFResolver>: Sendable {
    /// The most terms that query DNS in one check, nested includes and redirects counted (§4.6.4).
    public static var maximumDNSTerms: Int { 10 }
    /// The most MX names one `mx` mechanism may look up; more is a `permerror` (§4.6.4).
    public static var maximumMXNames: Int { 10 }
    /// The most PTR names one `ptr` mechanism or `%{p}` looks at; the others are ignored (§4.6.4).
    public static var maximumPTRNames: Int { 10 }
    /// The void lookups (NXDOMAIN or no answer) allowed before a `permerror`: the default §4.6.4 recommends.
    public static var defaultVoidLookupLimit: Int { 2 }
    /// The most parsed records remembered by their text, so a warm check does not parse the same record again: 512
    /// (records are at most ``SPFRecord/maximumLength`` octets, so at most 4 MiB of text).
    public static var parsedRecordCapacity: Int { 512 }

    let resolver: R
    let receiver: String
    let voidLookupLimit: Int
    let now: @Sendable () -> UInt64
    /// Parses by record text, shared by every copy of this checker: a parse depends on the text alone.
    let parsedRecords: BoundedMemo<OctetKey, Result<SPFRecord, SPFError>>

    /// A checker asking `resolver`.
    /// - Parameters:
    ///   - receivingHost: the `%{r}` macro of explanations (§7.2); `unknown` when not given.
    ///   - voidLookupLimit: the void lookups allowed (§4.6.4); 2 by default.
    ///   - now: the `%{t}` macro, seconds since 1970 (§7.2); the system clock by default.
    public init(resolver: R, receivingHost: String = "unknown", voidLookupLimit: Int = SPFChecker.defaultVoidLookupLimit,
                now: (@Sendable () -> UInt64)? = nil) {
        self.resolver = resolver
        self.receiver = receivingHost
        self.voidLookupLimit = voidLookupLimit
        self.now = now ?? { UInt64(Date().timeIntervalSince1970) }
        self.parsedRecords = BoundedMemo(capacity: Self.parsedRecordCapacity)
    }

    /// Checks whether `client` may send mail from `mailFrom` (RFC 7208 §2.4): `check_host(<ip>, <domain>, <sender>)`.
    ///
    /// `mailFrom` may keep its angle brackets. An empty one (the null reverse-path, `<>`) checks `postmaster@<helo>`
    /// (§2.4); one without `@`, or with an empty local-part, has the local-part `postmaster` (§4.3).
    public func check(client: ClientAddress, mailFrom: String, helo: String) async -> SPFVerdict {
        var sender = mailFrom.hasPrefix("<") && mailFrom.hasSuffix(">") ? String(mailFrom.dropFirst().dropLast()) : mailFrom
        if sender.isEmpty { sender = "postmaster@" + helo }
        var localPart = "postmaster"
        var domain = sender
        if let at = sender.lastIndex(of: "@") {
            domain = String(sender[sender.index(after: at)...])
            if at > sender.startIndex { localPart = String(sender[..<at]) }
        }
        let values = MacroValues(
            sender: localPart + "@" + domain, localPart: localPart, senderDomain: domain, domain: domain, client: client,
            validatedName: "unknown", helo: helo, receiver: receiver, timestamp: now())
        var evaluation = Evaluation(resolver: resolver, parsedRecords: parsedRecords, values: values, voidLookupLimit: voidLookupLimit)
        do {
            let outcome = try await evaluation.checkHost(domain, depth: 0)
            return SPFVerdict(result: outcome.result, explanation: outcome.explanation, mechanism: outcome.mechanism, reason: outcome.reason)
        } catch {
            return SPFVerdict(result: error.result, reason: error.reason)
        }
    }

    /// Checks the HELO identity (RFC 7208 §2.3): `check_host(<ip>, <helo>, postmaster@<helo>)`.
    public func checkHELO(client: ClientAddress, helo: String) async -> SPFVerdict {
        await check(client: client, mailFrom: "postmaster@" + helo, helo: helo)
    }
}
