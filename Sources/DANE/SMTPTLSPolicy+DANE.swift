public import Foundation
public import SMTP

extension SMTPTLSPolicy {
    /// The STARTTLS policy DANE imposes on a server (RFC 7672 §2.2, §3): TLS is required; SNI is the TLSA base
    /// domain (§8.1); with usable records the chain must pass ``DANEVerifier``, with only unusable ones any
    /// certificate is accepted (encryption without authentication).
    /// - Parameters:
    ///   - nextHopDomain: the domain the mail is for, a DANE-TA reference identifier.
    ///   - now: the validation time for DANE-TA chains.
    ///   - verdict: called with every verdict reached during a handshake (for reports).
    public static func dane(_ records: DANERecords, nextHopDomain: String?, now: @escaping @Sendable () -> Date = { Date() },
                            verdict report: (@Sendable (DANEVerdict) -> Void)? = nil) -> SMTPTLSPolicy {
        if records.isUnusable {
            return .required(.none, serverName: records.baseDomain)
        }
        let verifier = DANEVerifier(records: records, nextHopDomain: nextHopDomain)
        return .required(.custom { chain in
            let verdict = await verifier.verify(chain: chain, at: now())
            report?(verdict)
            if case .validated = verdict { return .accept }
            return .reject(reason: "DANE \(verdict)")
        }, serverName: records.baseDomain)
    }
}
