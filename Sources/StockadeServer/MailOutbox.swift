import KeyServer
import Logging
import ServiceLifecycle
import SMTP
import Store

/// The relay seen by the outbox (``SMTPRelay``).
typealias MailTransport = OutboxTransport
typealias MailTransportFailure = OutboxTransportFailure

/// Runs the key server's ``Outbox`` as a service of `stockade serve`: claim, send, delete, with leases, backoff and an
/// attempt limit (the rules are in ``Outbox``). Ends on graceful shutdown after the round in progress.
struct MailOutbox: Service {
    let outbox: Outbox

    init(store: any KeyServerStore, transport: any MailTransport, logger: Logger) {
        outbox = Outbox(store: store, transport: transport, logger: logger)
    }

    func run() async throws {
        await outbox.run { pause in
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}

extension MailTransportFailure {
    /// The failure the outbox stores for an ``SMTPError``: the reply code and enhanced status code when the relay
    /// answered, else a fixed phrase. The error's reason and the reply's text are dropped: they may quote the recipient.
    init(_ error: SMTPError) {
        if let reply = error.reply {
            self = .reply(code: reply.code, enhancedStatus: reply.enhancedStatus.map { ($0.statusClass, $0.subject, $0.detail) })
            return
        }
        let phrases: [(SMTPError, MailTransportFailure)] = [
            (.resolution("", ""), .resolutionFailed),
            (.connectionRefused(""), .connectionFailed), (.connection("", ""), .connectionFailed),
            (.connectionClosed(""), .connectionFailed),
            (.timeout(""), .timedOut),
            (.cancelled(), .cancelled),
            (.tls(""), .tlsFailed), (.certificateRejected(""), .tlsFailed), (.startTLSUnavailable(""), .tlsFailed),
            (.malformedReply(""), .protocolError), (.protocolViolation(""), .protocolError),
            (.authenticationUnavailable(""), .authenticationFailed), (.authenticationRequiresTLS(), .authenticationFailed),
            (.invalidAddress(""), .addressUnusable), (.smtpUTF8Unavailable(""), .addressUnusable),
            (.messageTooLarge(0, limit: 0), .messageTooLarge),
        ]
        self = phrases.first { $0.0 == error }?.1 ?? .failed
    }
}
