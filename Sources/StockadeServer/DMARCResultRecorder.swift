import DMARC
import Foundation
import Logging
import MailAuthentication
import Milter
import SPF
import Store

/// Keeps each message the milter judged under a DMARC Policy Record (verdict `pass` or `fail`) in the store, one row
/// per Author Domain, for the daily aggregate reports (RFC 9990). Messages refused with a temporary failure are not
/// kept (Postfix retries them and they are judged again), nor results without a record (`none`, `temperror`): no one
/// asked for a report. A store failure is logged and never changes what happens to the message.
struct DMARCResultRecorder: AuthenticationRecorder {
    let store: any DMARCResultStore
    let logger: Logger

    func record(_ authentication: MessageAuthentication, client: SPF.ClientAddress, message: MilterMessage,
                decision: MilterDecision, at date: Date) async {
        for record in Self.records(authentication, client: client, message: message, decision: decision, at: date) {
            do {
                try await store.recordDMARCResult(record)
            } catch {
                logger.warning("a DMARC result could not be stored for the aggregate report",
                               metadata: ["policyDomain": "\(record.policy.policyDomain)", "error": "\(error)"])
            }
        }
    }

    /// The rows one checked message adds: one per Author Domain evaluated under a record.
    static func records(_ authentication: MessageAuthentication, client: SPF.ClientAddress, message: MilterMessage,
                        decision: MilterDecision, at date: Date) -> [DMARCResultRecord] {
        guard let applied = applied(decision) else { return [] }
        let nullPath = authentication.mailFrom.isEmpty
        let spf = authentication.spfOutcome
        return authentication.dmarc.compactMap { domain, result -> DMARCResultRecord? in
            guard result.verdict == .pass || result.verdict == .fail, let policyDomain = result.policyDomain, let record = result.record
            else { return nil }
            let disposition = disposition(result, record: record, applied: applied)
            let key = DMARCResultKey(
                sourceIP: client.description, headerFrom: domain, envelopeFrom: nullPath ? "" : spf.domain,
                envelopeTo: message.recipients.first.flatMap(recipientDomain),
                spfDomain: spf.domain.isEmpty ? nil : spf.domain, spfScope: nullPath ? nil : "mfrom", spfResult: spf.result.rawValue,
                signatures: authentication.dkimOutcomes.map { DMARCSignatureRecord(domain: $0.domain, selector: $0.selector ?? "", result: $0.result.rawValue) },
                dkimAligned: result.dkimAligned, spfAligned: result.spfAligned, disposition: disposition.value,
                overrideReason: disposition.reason, overrideComment: nil)
            let snapshot = DMARCPolicySnapshot(policyDomain: policyDomain, organizationalDomain: result.organizationalDomain ?? policyDomain,
                                               record: record.text, discoveryMethod: "treewalk")
            return DMARCResultRecord(receivedAt: date, policy: snapshot, key: key)
        }
    }

    /// What the milter did: reject, quarantine (held) or none; nil for a temporary failure.
    static func applied(_ decision: MilterDecision) -> DMARCRecord.Policy? {
        switch decision.verdict {
        case .reject, .discard: .reject
        case .tempfail: nil
        case .accept, .continue: decision.quarantine == nil ? DMARCRecord.Policy.none : .quarantine
        }
    }

    /// The RFC 9990 `disposition` and, when it is milder than the policy asks, the override reason (§3.1.4):
    /// `policy_test_mode` for a failing `t=y` record, `local_policy` for the milter's own choices (trusted forwarders,
    /// per-domain overrides, quarantine by header only, `reject: false`). A pass under `quarantine` or `reject` is
    /// `pass`; under `none`, `none`.
    static func disposition(_ result: DMARCResult, record: DMARCRecord, applied: DMARCRecord.Policy) -> (value: String, reason: String?) {
        let published = published(result, record)
        if result.verdict == .pass { return (published == .none ? "none" : "pass", nil) }
        let requested = result.disposition ?? .none
        if severity(applied) < severity(requested) { return (applied.rawValue, "local_policy") }
        // Only t=y asks for less than the record publishes (RFC 9989 §4.7 `t`).
        if requested != published { return (applied.rawValue, "policy_test_mode") }
        return (applied.rawValue, nil)
    }

    private static func published(_ result: DMARCResult, _ record: DMARCRecord) -> DMARCRecord.Policy {
        let policy: DMARCRecord.Policy? = switch result.appliedPolicy {
        case .sp?: record.subdomainPolicy
        case .np?: record.nonExistentSubdomainPolicy
        default: record.policy
        }
        return record.hasInvalidPolicy ? .none : policy ?? .none
    }

    private static func severity(_ policy: DMARCRecord.Policy) -> Int {
        switch policy {
        case .none: 0
        case .quarantine: 1
        case .reject: 2
        }
    }

    /// The domain of `<user@domain>` as Postfix sends RCPT TO, lower case; nil without one.
    static func recipientDomain(_ recipient: String) -> String? {
        let address = MailAuthenticator.reversePath(recipient)
        guard let at = address.lastIndex(of: "@") else { return nil }
        let domain = address[address.index(after: at)...].lowercased()
        return domain.isEmpty ? nil : domain
    }
}
