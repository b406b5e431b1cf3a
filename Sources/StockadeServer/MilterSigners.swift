import DKIM
import Foundation
import MailAuthentication
import Milter
import SPF

/// The outbound side of the milter (`milter.signing`): mail from one of the listed domains that arrived over SMTP AUTH
/// or from `milter.trustedNetworks` is DKIM-signed instead of checked.
struct MilterSigners: Sendable {
    /// The signer of each listed domain, by lower-cased domain.
    let signers: [String: DKIMSigner]
    let trustedNetworks: [MilterNetwork]

    /// - Throws: ``ConfigurationError`` for a key file that cannot be read or is not a DKIM signing key, a domain
    ///   listed twice, or a network that does not parse.
    init(_ settings: MilterSettings) throws {
        var signers: [String: DKIMSigner] = [:]
        for entry in settings.signing ?? [] {
            let pem: String
            do {
                pem = try String(contentsOfFile: entry.key, encoding: .utf8)
            } catch {
                throw ConfigurationError(reason: "milter.signing: cannot read the key of \(entry.domain) at \(entry.key)")
            }
            let key: DKIMSigningKey
            do { key = try DKIMSigningKey(pem: pem) } catch {
                throw ConfigurationError(reason: "milter.signing: \(entry.key) is not a DKIM signing key: \(error)")
            }
            let domain = entry.domain.lowercased()
            guard signers[domain] == nil else { throw ConfigurationError(reason: "milter.signing: \(entry.domain) is listed twice") }
            signers[domain] = DKIMSigner(domain: domain, selector: entry.selector, key: key)
        }
        self.signers = signers
        trustedNetworks = try (settings.trustedNetworks ?? []).map { try MilterNetwork($0, setting: "milter.trustedNetworks") }
    }

    /// The signer for `message` when it is outbound: sent by an authenticated client or one in a trusted network,
    /// with one From domain that is listed.
    func signer(for message: DKIMMessage, authenticated: Bool, client: SPF.ClientAddress?) -> DKIMSigner? {
        guard authenticated || client.map({ address in trustedNetworks.contains { $0.contains(address) } }) == true,
              case .success(let domains) = AuthorDomains.of(message.headers), domains.count == 1 else { return nil }
        return signers[domains[0].lowercased()]
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
