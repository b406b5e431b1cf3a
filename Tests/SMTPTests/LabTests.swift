import DNS
import Foundation
import NIOCore
import NIOSSL
import SMTP
import TestSupport
import Testing

/// Against the lab's aiosmtpd sink (lab/lib/smtp.sh): fails, never skips, when the lab is not running.
@Suite(.serialized) struct LabTests {
    /// The lab sink as `lab/lab.sh env` describes it.
    struct Lab {
        let plain: SocketAddress
        let startTLS: SocketAddress
        let tlsName: String
        let user: String
        let password: String
        let maildir: String
        let caFile: String

        init() throws {
            let host = try labVariable("STOCKADE_LAB_SMTP_HOST")
            plain = try SocketAddress(ipAddress: host, port: Int(labVariable("STOCKADE_LAB_SMTP_PORT"))!)
            startTLS = try SocketAddress(ipAddress: host, port: Int(labVariable("STOCKADE_LAB_SMTP_TLS_PORT"))!)
            tlsName = try labVariable("STOCKADE_LAB_SMTP_TLS_NAME")
            user = try labVariable("STOCKADE_LAB_SMTP_USER")
            password = try labVariable("STOCKADE_LAB_SMTP_PASSWORD")
            maildir = try labVariable("STOCKADE_LAB_SMTP_MAILDIR")
            caFile = try labVariable("STOCKADE_LAB_CA")
        }

        func pkix(serverName: String? = nil) throws -> SMTPCertificateVerification {
            .pkix(trustRoots: .certificates(try NIOSSLCertificate.fromPEMFile(caFile)), serverName: serverName ?? tlsName)
        }

        /// The sink's certificate, DER.
        func leafCertificate() throws -> [UInt8] {
            let directory = (caFile as NSString).deletingLastPathComponent
            return try NIOSSLCertificate.fromPEMFile("\(directory)/\(tlsName).pem")[0].toDERBytes()
        }

        /// The stored message whose data contains `token`, with its envelope; `nil` if there is none.
        func stored(containing token: String) throws -> (data: [UInt8], envelope: [String: Any])? {
            for file in try FileManager.default.contentsOfDirectory(atPath: maildir) where file.hasSuffix(".json") {
                let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(maildir)/\(file)")))
                guard let envelope = envelope as? [String: Any], let eml = envelope["eml"] as? String else { continue }
                let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: eml)))
                if String(decoding: data, as: UTF8.self).contains(token) { return (data, envelope) }
            }
            return nil
        }
    }

    private func client(_ tls: SMTPTLSPolicy, credentials: SMTPCredentials? = nil) throws -> SMTPClient {
        let timeouts = SMTPTimeouts(connect: .seconds(5), greeting: .seconds(10), command: .seconds(10), dataInitiation: .seconds(10),
                                    dataTermination: .seconds(20))
        return try SMTPClient(configuration: SMTPConfiguration(clientName: "client.lab.test", tls: tls, credentials: credentials,
                                                               timeouts: timeouts))
    }

    private func token() -> String { UUID().uuidString }

    @Test func plainDeliveryToTwoRecipientsWithDotLines() async throws {
        let lab = try Lab()
        let token = token()
        let message = "Subject: plain \(token)\r\n\r\nHello\n.starts with a dot\n..two dots\n.\r\nend"
        let report = try await client(.never).send(Array(message.utf8), from: "sender@lab.test", to: ["one@lab.test", "two@lab.test"],
                                                   server: lab.plain)
        #expect(report.acceptedRecipients == ["one@lab.test", "two@lab.test"])
        #expect(report.extensions.pipelining && report.tls == nil && !report.authenticated)
        #expect(report.messageReply?.code == 250)
        let stored = try #require(try lab.stored(containing: token))
        let expected = "Subject: plain \(token)\r\n\r\nHello\r\n.starts with a dot\r\n..two dots\r\n.\r\nend\r\n"
        #expect(String(decoding: stored.data, as: UTF8.self) == expected)
        #expect(stored.envelope["mail_from"] as? String == "sender@lab.test")
        #expect(stored.envelope["rcpt_tos"] as? [String] == ["one@lab.test", "two@lab.test"])
        #expect(stored.envelope["tls"] as? Bool == false)
    }

    @Test func mailMessageArrivesByteForByte() async throws {
        let lab = try Lab()
        let token = token()
        let message = MailMessage(from: "sender@lab.test", fromName: "Zoë Sender", to: ["one@lab.test"], subject: "Grüße \(token)",
                                  body: "Zeile eins\n.Punkt am Anfang\nÄrger = Spaß " + String(repeating: "long ", count: 30))
        _ = try await client(.never).send(message, server: lab.plain)
        let stored = try #require(try lab.stored(containing: message.messageID))
        #expect(stored.data == message.bytes())
    }

    @Test func startTLSWithPKIXAndAuth() async throws {
        let lab = try Lab()
        let token = token()
        let credentials = SMTPCredentials(username: lab.user, password: lab.password)
        let report = try await client(.required(try lab.pkix()), credentials: credentials)
            .send(Array("Subject: tls \(token)\r\n\r\nover TLS\r\n".utf8), from: "sender@lab.test", to: ["one@lab.test"], server: lab.startTLS)
        let tls = try #require(report.tls)
        #expect(["TLSv1.2", "TLSv1.3"].contains(tls.version))
        #expect(tls.cipherSuite?.hasPrefix("TLS_") == true)
        #expect(tls.peerCertificates == [try lab.leafCertificate()])
        #expect(report.authenticated && !report.extensions.startTLS && report.extensions.authMechanisms.contains("PLAIN"))
        let stored = try #require(try lab.stored(containing: token))
        #expect(stored.envelope["tls"] as? Bool == true)
        #expect(stored.envelope["auth_user"] as? String == lab.user)
    }

    @Test func probeReportsTheChainToACustomCheck() async throws {
        let lab = try Lab()
        let leaf = try lab.leafCertificate()
        let report = try await client(.required(.custom { chain in chain.first == leaf ? .accept : .reject(reason: "unexpected leaf") },
                                                serverName: lab.tlsName)).probe(lab.startTLS)
        #expect(report.tls?.peerCertificates.first == leaf)
        #expect(report.messageReply == nil && report.acceptedRecipients.isEmpty)
        await #expect(throws: SMTPError.certificateRejected("")) {
            _ = try await client(.required(.custom { _ in .reject(reason: "DANE says no") })).probe(lab.startTLS)
        }
        let unverified = try await client(.opportunistic(.none)).probe(lab.startTLS)
        #expect(unverified.tls?.peerCertificates.first == leaf)
    }

    @Test func wrongServerNameFailsPKIX() async throws {
        let lab = try Lab()
        let error = await #expect(throws: SMTPError.tls("")) {
            _ = try await client(.required(try lab.pkix(serverName: "wrong.lab.test"))).probe(lab.startTLS)
        }
        #expect(error?.isPermanent == false && error?.isTransient == false)
    }

    @Test func requiredTLSOnAServerWithoutSTARTTLS() async throws {
        let lab = try Lab()
        await #expect(throws: SMTPError.startTLSUnavailable("")) { _ = try await client(.required(try lab.pkix())).probe(lab.plain) }
        let report = try await client(.opportunistic(try lab.pkix())).probe(lab.plain)
        #expect(report.tls == nil)
    }

    @Test func badCredentialsArePermanent() async throws {
        let lab = try Lab()
        let credentials = SMTPCredentials(username: lab.user, password: "wrong")
        let error = await #expect(throws: SMTPError.authenticationFailed(SMTPReply(code: 535, lines: []))) {
            _ = try await client(.required(try lab.pkix()), credentials: credentials)
                .send(Array("x".utf8), from: "sender@lab.test", to: ["one@lab.test"], server: lab.startTLS)
        }
        #expect(error?.reply?.code == 535 && error?.isPermanent == true)
        await #expect(throws: SMTPError.authenticationRequiresTLS()) {
            _ = try await client(.never, credentials: SMTPCredentials(username: lab.user, password: lab.password))
                .send(Array("x".utf8), from: "sender@lab.test", to: ["one@lab.test"], server: lab.plain)
        }
    }

    @Test func rejectedRecipientIsPermanentAndNothingIsDelivered() async throws {
        let lab = try Lab()
        let token = token()
        let error = await #expect(throws: SMTPError.recipientRejected("", SMTPReply(code: 550, lines: []))) {
            _ = try await client(.never).send(Array("Subject: \(token)\r\n\r\nx\r\n".utf8), from: "sender@lab.test",
                                              to: ["one@lab.test", "nobody@reject.test"], server: lab.plain)
        }
        #expect(error?.recipient == "nobody@reject.test" && error?.isPermanent == true)
        #expect(error?.reply?.enhancedStatus?.description == "5.1.1")
        #expect(error?.description.contains("nobody@reject.test") == true)
        #expect(try lab.stored(containing: token) == nil)
    }

    @Test func temporaryFailureIsTransient() async throws {
        let lab = try Lab()
        let error = await #expect(throws: SMTPError.recipientRejected("", SMTPReply(code: 451, lines: []))) {
            _ = try await client(.required(try lab.pkix())).send(Array("x".utf8), from: "sender@lab.test", to: ["later@tempfail.test"],
                                                                 server: lab.startTLS)
        }
        #expect(error?.isTransient == true && error?.isPermanent == false && error?.reply?.code == 451)
    }

    @Test func resolvesThroughTheLabResolverAndTriesEachAddress() async throws {
        let lab = try Lab()
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")]))
        let port = lab.startTLS.port!
        let report = try await client(.required(try lab.pkix())).probe(host: "smtp-dual.web.test", port: port, resolver: resolver)
        #expect(report.tls?.peerCertificates == [try lab.leafCertificate()])
        await #expect(throws: SMTPError.resolution("", "")) {
            _ = try await client(.never).probe(host: "nothing.web.test", port: port, resolver: resolver)
        }
    }

    @Test func connectionRefused() async throws {
        let lab = try Lab()
        let closed = try SocketAddress(ipAddress: lab.plain.ipAddress!, port: 2599)
        await #expect(throws: SMTPError.connectionRefused("")) { _ = try await client(.never).probe(closed) }
    }
}
