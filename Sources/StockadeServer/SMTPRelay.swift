import DNS
import Foundation
import Logging
import NIOCore
import NIOSSL
import SMTP
import Store

/// Sends the outbox through the configured relay with the `SMTP` client: STARTTLS verified against the system roots
/// (and those in `caFile`) unless `tls` says otherwise, AUTH PLAIN when credentials are set; the relay's host name is resolved
/// through Stockade's resolver.
struct SMTPRelay: MailTransport {
    let client: SMTPClient
    let host: String
    let port: Int
    let from: String
    let resolver: DNS.Resolver<ContinuousClock>
    /// Where each session's TLS outcome is counted for TLS reports (`tlsrpt`); nil: not counted.
    var tlsSessions: OutboxTLSSessions?

    init(settings: MailSettings, from: String, resolver: String?, logger: Logger) throws {
        (host, port) = try ServerConfiguration.hostAndPort(settings.relay ?? "", setting: "mail.relay", allowsAnyPort: false)
        self.from = from
        let verification = SMTPCertificateVerification.pkix(trustRoots: .default,
                                                            additionalTrustRoots: settings.caFile.map { [.file($0)] } ?? [],
                                                            serverName: settings.serverName ?? host)
        let tls: SMTPTLSPolicy
        switch settings.tls ?? "required" {
        case "required": tls = .required(verification)
        case "opportunistic": tls = .opportunistic(verification)
        case "none": tls = .never
        case let other: throw ConfigurationError(reason: "mail.tls must be required, opportunistic or none, got \(other)")
        }
        let credentials = settings.username.map { SMTPCredentials(username: $0, password: settings.password ?? "") }
        do {
            client = try SMTPClient(configuration: SMTPConfiguration(clientName: settings.helo ?? "localhost", tls: tls,
                                                                     credentials: credentials),
                                    logger: logger)
        } catch {
            throw ConfigurationError(reason: "mail: \(error.reason)")
        }
        let servers = try resolver.map { try ResolverConfiguration(servers: [$0]) } ?? ResolverConfiguration.fromResolvConf()
        self.resolver = DNS.Resolver(configuration: servers)
    }

    func send(_ mail: OutgoingMailRecord) async throws(MailTransportFailure) {
        let message = MailMessage(from: from, to: [mail.recipient], subject: mail.subject, body: mail.body, date: mail.createdAt,
                                  extraHeaders: [MailHeader(name: "Auto-Submitted", value: "auto-generated")])
        // A prepared message (a DMARC report, signed when queued) is sent as it is.
        let bytes = PreparedMail.message(of: mail) ?? message.bytes()
        do {
            let session = if let address = try? SocketAddress(ipAddress: host, port: port) {
                try await client.send(bytes, from: from, to: [mail.recipient], server: address)
            } else {
                try await client.send(bytes, from: from, to: [mail.recipient], host: host, port: port, resolver: resolver)
            }
            await recordTLSSession(.success(session), of: mail, at: Date())
        } catch {
            await recordTLSSession(.failure(error), of: mail, at: Date())
            throw MailTransportFailure(error)
        }
    }
}
