import DKIM
import DMARC
import Foundation
import Logging
import MailAuthentication
import Milter
import SPF

/// The milter in front of Postfix: SPF, DKIM and DMARC on every message at its end, the `Authentication-Results`
/// header on top (any header claiming our authserv-id removed first: the client forged it), and the disposition the
/// Author Domain's policy asks for, shaped by the ``MilterSettings``. Outbound mail of a `signing` domain is signed
/// instead (``MilterSigners``).
struct AuthenticationMilter: MilterFilter {
    /// The header this milter writes (RFC 8601).
    static let resultsHeader = "Authentication-Results"

    let authenticator: MailAuthenticator
    let policy: AuthenticationMilterPolicy
    let signers: MilterSigners
    let logger: Logger
    /// Receives every checked message and its decision (nil: nothing is recorded).
    var recorder: (any AuthenticationRecorder)? = nil

    func endOfMessage(_ message: MilterMessage) async -> MilterDecision {
        guard !message.bodyTruncated, !message.headersTruncated else {
            // Signatures cannot be checked on part of a message: refuse rather than judge it wrongly.
            logger.warning("message beyond the milter's limits", metadata: ["queueID": "\(message.queueID ?? "-")"])
            return MilterDecision(.reject(AuthenticationMilterPolicy.reply(552, "5.3.4", "message too big for DKIM and DMARC checks")))
        }
        let dkimMessage = Self.dkimMessage(message)
        let client = (message.macro("client_addr") ?? message.client?.address).flatMap { try? SPF.ClientAddress($0) }
        let authenticated = !(message.macro("auth_authen") ?? "").isEmpty
        let now = Date()
        if let signer = signers.signer(for: dkimMessage, authenticated: authenticated, client: client, at: now) {
            logger.info("signed", metadata: ["queueID": "\(message.queueID ?? "-")", "domain": "\(signer.domain)", "selector": "\(signer.selector)"])
            return MilterSigners.sign(dkimMessage, with: signer, at: now)
        }
        guard let client else {
            // A local submission (non_smtpd_milters) or a Unix-socket client: no address to check SPF against.
            return MilterDecision(.continue)
        }
        let authentication = await authenticator.authenticate(dkimMessage, client: client, helo: message.helo ?? "",
                                                              mailFrom: MailAuthenticator.reversePath(message.sender ?? ""))
        let results = authentication.authenticationResults(authservID: policy.authservID)
        logger.info("checked", metadata: ["queueID": "\(message.queueID ?? "-")", "client": "\(client)", "requested": "\(authentication.requested)"])
        let forged = Self.removingForgedResults(message.headers, authservID: policy.authservID) {
            policy.trustedUpstreams.isForged($0, client: client)
        }
        let decision = policy.decision(for: policy.vouched(authentication.requested, headers: message.headers, client: client), client: client,
                                       headerChanges: forged + [try? MilterHeaderChange.insert(Self.resultsHeader, results.value, at: 0)].compactMap { $0 })
        await recorder?.record(authentication, client: client, message: message, decision: decision, at: Date())
        return decision
    }

    /// The message as DKIM reads it: each header `name:value` with its folds back to CRLF, the body as Postfix sent it.
    static func dkimMessage(_ message: MilterMessage) -> DKIMMessage {
        let headers = message.headers.compactMap { header -> HeaderField? in
            var raw = Array(header.name.utf8) + [UInt8(ascii: ":")]
            for octet in header.value {
                if octet == 0x0A { raw.append(0x0D) }
                raw.append(octet)
            }
            return HeaderField(raw: raw)
        }
        return DKIMMessage(headers: headers, body: message.body)
    }

    /// Deletions of every `Authentication-Results` claiming `authservID` (or that `alsoForged` finds forged), last
    /// first so that the occurrence numbers of the ones still to delete do not shift.
    static func removingForgedResults(_ headers: [MilterHeader], authservID: String,
                                      alsoForged: (String) -> Bool = { _ in false }) -> [MilterHeaderChange] {
        let values = headers.filter { $0.name.lowercased() == resultsHeader.lowercased() }.map(\.text)
        return values.indices.reversed().compactMap { index in
            guard AuthenticationResults.hasAuthservID(authservID, in: values[index]) || alsoForged(values[index]) else { return nil }
            return try? MilterHeaderChange.delete(resultsHeader, occurrence: UInt32(index + 1))
        }
    }
}
