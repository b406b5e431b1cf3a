import DKIM
import Foundation
import MailAuthentication
import Milter
import SPF

/// The outbound side of the milter (`milter.signing`): mail from one of the listed domains that arrived over SMTP AUTH
/// or from `milter.trustedNetworks` is DKIM-signed instead of checked.
struct MilterSigners: Sendable {
    /// One domain's signers: the selector in use and, in a rotation, the next one and when it takes over.
    struct Rotation: Sendable {
        let current: DKIMSigner
        let next: (signer: DKIMSigner, from: Date)?

        /// The signer to use at `time`.
        func signer(at time: Date) -> DKIMSigner {
            guard let next, time >= next.from else { return current }
            return next.signer
        }
    }

    /// The signers of each listed domain, by lower-cased domain.
    let rotations: [String: Rotation]
    let trustedNetworks: [MilterNetwork]

    /// - Throws: ``ConfigurationError`` for a key file that cannot be read or is not a DKIM signing key, a domain
    ///   listed twice, a `next.from` that is not an RFC 3339 time, or a network that does not parse.
    init(_ settings: MilterSettings) throws {
        var rotations: [String: Rotation] = [:]
        for entry in settings.signing ?? [] {
            let domain = entry.domain.lowercased()
            guard rotations[domain] == nil else { throw ConfigurationError(reason: "milter.signing: \(entry.domain) is listed twice") }
            let current = DKIMSigner(domain: domain, selector: entry.selector, key: try Self.key(entry.key, of: entry.domain))
            var next: (signer: DKIMSigner, from: Date)?
            if let upcoming = entry.next {
                guard let from = try? Date(upcoming.from, strategy: .iso8601) else {
                    throw ConfigurationError(reason: "milter.signing: next.from of \(entry.domain) must be an RFC 3339 time, got \(upcoming.from)")
                }
                guard upcoming.selector.lowercased() != entry.selector.lowercased() else {
                    throw ConfigurationError(reason: "milter.signing: next.selector of \(entry.domain) must differ from selector")
                }
                next = (DKIMSigner(domain: domain, selector: upcoming.selector, key: try Self.key(upcoming.key, of: entry.domain)), from)
            }
            rotations[domain] = Rotation(current: current, next: next)
        }
        self.rotations = rotations
        trustedNetworks = try (settings.trustedNetworks ?? []).map { try MilterNetwork($0, setting: "milter.trustedNetworks") }
    }

    private static func key(_ path: String, of domain: String) throws -> DKIMSigningKey {
        let pem: String
        do {
            pem = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(reason: "milter.signing: cannot read the key of \(domain) at \(path)")
        }
        do { return try DKIMSigningKey(pem: pem) } catch {
            throw ConfigurationError(reason: "milter.signing: \(path) is not a DKIM signing key: \(error)")
        }
    }

    /// The signer for `message` at `time` when it is outbound: sent by an authenticated client or one in a trusted
    /// network (Postfix's `non_smtpd_milters` report local submissions as client 127.0.0.1), with one From domain that
    /// is listed.
    func signer(for message: DKIMMessage, authenticated: Bool, client: SPF.ClientAddress?, at time: Date) -> DKIMSigner? {
        guard authenticated || client.map({ address in trustedNetworks.contains { $0.contains(address) } }) == true,
              case .success(let domains) = AuthorDomains.of(message.headers), domains.count == 1 else { return nil }
        return rotations[domains[0].lowercased()]?.signer(at: time)
    }

    /// The signature of `message` as a header inserted on top, or a temporary failure when signing fails.
    static func sign(_ message: DKIMMessage, with signer: DKIMSigner, at time: Date) -> MilterDecision {
        do {
            let field = try signer.signature(for: message, at: time)
            // Postfix's internal form: folds with a bare LF, the value without the space after the colon.
            var value = String(decoding: field.rawValue, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            if value.hasPrefix(" ") { value.removeFirst() }
            return MilterDecision(.accept, headerChanges: [try MilterHeaderChange.insert(field.name, value, at: 0)])
        } catch {
            return MilterDecision(.tempfail(AuthenticationMilterPolicy.reply(451, "4.7.1", "cannot sign for \(signer.domain): \(error)")))
        }
    }
}
