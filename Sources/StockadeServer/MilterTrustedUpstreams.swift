import DMARC
import MailAuthentication
import Milter
import SPF

/// `milter.trustedAuthservIDs`: upstream MTAs (forwarders, mailing-list hosts) whose own `Authentication-Results`
/// (RFC 8601) the milter believes — but only on mail that this upstream hands over itself.
///
/// An upstream is its authserv-id and the networks it connects from. When the client is in those networks, the
/// topmost `Authentication-Results` field claiming that authserv-id (the one the upstream added last, RFC 8601 §5) is
/// read; `dmarc=pass` for the message's Author Domain there delivers the message even when forwarding broke SPF and
/// DKIM here. A field claiming a trusted authserv-id from any other client is a forgery: it is never read, and it is
/// deleted so that nothing after this MTA believes it either (RFC 8601 §5, §7.2).
struct MilterTrustedUpstreams: Sendable {
    /// The networks of each trusted authserv-id, by lower-cased authserv-id.
    let networks: [String: [MilterNetwork]]

    /// - Throws: ``ConfigurationError`` for an empty authserv-id, one without networks, or a network that does not parse.
    init(_ settings: [String: [String]]) throws {
        var networks: [String: [MilterNetwork]] = [:]
        for (authservID, entries) in settings {
            guard !authservID.isEmpty, !authservID.contains(where: { $0.isWhitespace || $0 == ";" }), !entries.isEmpty else {
                throw ConfigurationError(reason: "milter.trustedAuthservIDs: \"\(authservID)\" needs a host name and at least one network")
            }
            networks[authservID.lowercased()] = try entries.map { try MilterNetwork($0, setting: "milter.trustedAuthservIDs") }
        }
        self.networks = networks
    }

    /// The authserv-ids whose upstream `client` is.
    func authservIDs(of client: SPF.ClientAddress) -> Set<String> {
        Set(networks.filter { $0.value.contains { $0.contains(client) } }.keys)
    }

    /// Whether the upstream that `client` is vouches for `domain`: its topmost field says `dmarc=pass` with
    /// `header.from` equal to `domain`.
    func vouch(for domain: String, in headers: [MilterHeader], client: SPF.ClientAddress) -> Bool {
        let trusted = authservIDs(of: client)
        guard !trusted.isEmpty else { return false }
        var seen = Set<String>()
        for header in headers where header.name.lowercased() == AuthenticationMilter.resultsHeader.lowercased() {
            guard let id = trusted.first(where: { AuthenticationResults.hasAuthservID($0, in: header.text) }),
                  seen.insert(id).inserted, let results = try? AuthenticationResults(parsing: header.text) else { continue }
            let passes = results.results.contains { result in
                result.method.lowercased() == "dmarc" && result.result.lowercased() == "pass"
                    && result.property("header", "from")?.lowercased() == domain.lowercased()
            }
            if passes { return true }
        }
        return false
    }

    /// Whether a field with `text` claims a trusted authserv-id that `client` is not the upstream of.
    func isForged(_ text: String, client: SPF.ClientAddress) -> Bool {
        let own = authservIDs(of: client)
        return networks.keys.contains { !own.contains($0) && AuthenticationResults.hasAuthservID($0, in: text) }
    }
}
