import Foundation
import MailAuthentication
import Milter
import SPF

/// How the milter acts on what DMARC asks for: the ``MilterSettings`` resolved to their defaults.
struct AuthenticationMilterPolicy: Sendable {
    let authservID: String
    /// Refuse a failing `p=reject` (else quarantine it).
    let rejects: Bool
    /// Hold quarantined mail in Postfix's queue (else deliver it with the header only).
    let holds: Bool
    /// Refuse mail without a single readable From domain.
    let rejectsNoAuthorDomain: Bool
    let trustedForwarders: [MilterNetwork]
    /// Upstreams whose `dmarc=pass` is believed on mail they hand over (`milter.trustedAuthservIDs`).
    let trustedUpstreams: MilterTrustedUpstreams
    /// Milder handling per Author Domain, by lower-cased domain.
    let overrides: [String: MilterSettings.Override]

    init(_ settings: MilterSettings) throws {
        guard !settings.authservID.isEmpty, !settings.authservID.contains(where: { $0.isWhitespace || $0 == ";" }) else {
            throw ConfigurationError(reason: "milter.authservID must be a host name, e.g. mx.example.org")
        }
        authservID = settings.authservID
        rejects = settings.reject ?? true
        holds = (settings.quarantine ?? .hold) == .hold
        rejectsNoAuthorDomain = (settings.noAuthorDomain ?? .reject) == .reject
        overrides = Dictionary((settings.domainOverrides ?? [:]).map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
        trustedForwarders = try (settings.trustedForwarders ?? []).map { try MilterNetwork($0, setting: "milter.trustedForwarders") }
        trustedUpstreams = try MilterTrustedUpstreams(settings.trustedAuthservIDs ?? [:])
    }

    /// The decision for `requested` from `client`; `headerChanges` apply whenever the message goes through.
    func decision(for requested: RequestedDisposition, client: SPF.ClientAddress, headerChanges: [MilterHeaderChange]) -> MilterDecision {
        let trusted = trustedForwarders.contains { $0.contains(client) }
        switch Self.applying(overrides, to: requested) {
        case .deliver:
            return MilterDecision(.accept, headerChanges: headerChanges)
        case .reject(let domain, let reason) where rejects && !trusted:
            return MilterDecision(.reject(Self.reply(550, "5.7.1", "DMARC policy of \(domain) rejects this message: \(reason)")))
        case .reject(let domain, let reason), .quarantine(let domain, let reason):
            guard holds, !trusted else { return MilterDecision(.accept, headerChanges: headerChanges) }
            return MilterDecision(.accept, headerChanges: headerChanges, quarantine: "DMARC policy of \(domain): \(reason)")
        case .temporaryFailure(let domain, let reason):
            return MilterDecision(.tempfail(Self.reply(451, "4.7.1", "DMARC of \(domain) cannot be checked now: \(reason)")))
        case .noAuthorDomain(let problem):
            guard rejectsNoAuthorDomain else { return MilterDecision(.accept, headerChanges: headerChanges) }
            return MilterDecision(.reject(Self.reply(550, "5.7.1", "one From field must name the author (RFC 5322 section 3.6): \(problem)")))
        }
    }

    /// `requested`, or delivery when a trusted upstream that `client` is vouches for the failing Author Domain.
    func vouched(_ requested: RequestedDisposition, headers: [MilterHeader], client: SPF.ClientAddress) -> RequestedDisposition {
        switch requested {
        case .reject(let domain, _), .quarantine(let domain, _):
            trustedUpstreams.vouch(for: domain, in: headers, client: client) ? .deliver : requested
        default:
            requested
        }
    }

    /// `requested` after the Author Domain's override: `quarantine` turns a reject into a quarantine, `none` delivers.
    static func applying(_ overrides: [String: MilterSettings.Override], to requested: RequestedDisposition) -> RequestedDisposition {
        switch requested {
        case .reject(let domain, let reason), .quarantine(let domain, let reason):
            switch overrides[domain.lowercased()] {
            case .none?: return .deliver
            case .quarantine?: return .quarantine(domain: domain, reason: reason)
            case nil: return requested
            }
        default:
            return requested
        }
    }

    /// A one-line reply in ASCII (SMTP replies are, RFC 5321 §4.2): `§` spelled `section `, other non-ASCII as `?`,
    /// control characters as spaces, cut to the line limit.
    static func reply(_ code: Int, _ status: String, _ text: String) -> MilterSMTPReply? {
        let clean = String(text.replacingOccurrences(of: "§", with: "section ").unicodeScalars.map { scalar -> Character in
            scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar.isASCII ? Character(scalar) : "?"
        })
        var line = Substring(clean)
        while line.utf8.count > MilterSMTPReply.maximumLineLength { line = line.dropLast() }
        return try? MilterSMTPReply(code: code, status: status, String(line))
    }
}
