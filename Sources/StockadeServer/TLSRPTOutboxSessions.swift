import Foundation
import Logging
import NIOCore
import Reports
import SMTP
import Store
import TLSRPT

/// Where the outbox counts its TLS sessions, and the logger for a count that could not be stored.
struct OutboxTLSSessions: Sendable {
    let recorder: TLSSessionRecorder
    let logger: Logger
}

extension SMTPRelay {
    /// Counts the outbox's TLS session with the relay for the daily TLS reports (RFC 8460): a session with TLS as
    /// successful, a STARTTLS, certificate or handshake failure as failed with its result type (§4.3.1); sessions
    /// that never came to TLS are not counted, nor are sessions with a relay given as an IP address (no domain to
    /// report to). The relay is verified by WebPKI, with no MTA-STS or DANE policy: `no-policy-found`. Mail carrying a
    /// TLS report is never counted, so reports do not report about reports.
    func recordTLSSession(_ outcome: Result<SMTPSessionReport, SMTPError>, of mail: OutgoingMailRecord, at time: Date) async {
        guard let tlsSessions, (try? SocketAddress(ipAddress: host, port: port)) == nil, !TLSRPTReportMail.isReport(mail) else { return }
        let failures: [(SMTPError, ResultType)] = [
            (.startTLSUnavailable(""), .starttlsNotSupported), (.certificateRejected(""), .certificateNotTrusted), (.tls(""), .validationFailure),
        ]
        let session: CollectorSession
        switch outcome {
        case .success(let report):
            guard report.tls != nil else { return }
            session = CollectorSession(policy: Policy(kind: .noPolicyFound, domain: host), failed: false, failures: [])
        case .failure(let error):
            guard let resultType = failures.first(where: { $0.0 == error })?.1 else { return }
            session = CollectorSession(policy: Policy(kind: .noPolicyFound, domain: host), failed: true, failures: [
                FailureDetail(resultType: resultType, receivingMXHostname: host, failedSessionCount: 1),
            ])
        }
        do {
            try await tlsSessions.recorder.record([session], domain: host.lowercased(), at: time)
        } catch {
            tlsSessions.logger.error("a TLS session of the outbox could not be counted", metadata: ["error": "\(error)"])
        }
    }
}
