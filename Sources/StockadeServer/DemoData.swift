import Directory
import Foundation
import Logging
import OpenPGP
import Store

/// For development only (`"demo": true`): at first start, two accounts on `demo.test` (alice and bob), a permanent alias
/// `alice.smith@demo.test` for alice, and for each account a key generated with ``CertificateBuilder`` (Ed25519 with a
/// Curve25519 encryption subkey, one user ID) imported and associated, so WKD publishes it at once. A later start finds
/// them and changes nothing. The generated secret keys are not kept.
enum DemoData {
    static let domain = "demo.test"
    static let accounts: [(id: String, name: String)] = [("alice", "Alice"), ("bob", "Bob")]
    static let aliases: [(address: String, account: String)] = [("alice.smith@demo.test", "alice")]

    /// Creates what is missing; returns each account's address and WKD hash, alice first.
    static func seed(_ directory: Directory, logger: Logger) async throws -> [(address: String, wkdHash: String)] {
        if try await !directory.domains().contains(where: { $0.name == domain }) {
            try await directory.addDomain(domain, kind: .provider)
        }
        var published: [(String, String)] = []
        for account in accounts {
            let address = "\(account.id)@\(domain)"
            if try await existingRow(directory, address) == nil {
                try await directory.createAccount(id: account.id, primaryAddress: address)
                logger.info("demo account created", metadata: ["account": "\(account.id)"])
            }
            let row = try await directory.address(address)
            if row.keyFingerprint == nil {
                let certificate = try CertificateBuilder(userID: "\(account.name) <\(address)>").generate()
                let key = try await directory.importKey(certificate.serialized, accountID: row.accountID)
                try await directory.associate(address: address, fingerprint: key.fingerprint)
                logger.info("demo key generated", metadata: ["address": "\(address)", "fingerprint": "\(key.fingerprint)"])
            }
            published.append((address, row.wkdHash))
        }
        for alias in aliases { try await directory.addAlias(alias.address, to: alias.account) }
        return published
    }

    static func existingRow(_ directory: Directory, _ address: String) async throws -> AddressRecord? {
        do {
            return try await directory.address(address)
        } catch {
            if error.code == .addressNotFound { return nil }
            throw error
        }
    }

    /// What `stockade serve` prints on standard output when the demo is on: where to click and what to type.
    static func banner(configuration: ServerConfiguration, keys: [(address: String, wkdHash: String)], sinkOn: Bool) -> String {
        let base = "http://\(configuration.listen)"
        var lines = ["", "Stockade demo (development only) is running at \(base)/", "", "Open:",
                     "  \(base)/                 home: what runs here"]
        if configuration.keyServer != nil {
            lines += ["  \(base)/search           search keys", "  \(base)/upload           upload a key, then verify it by mail"]
        }
        if sinkOn { lines.append("  \(base)/dev/mail         the mail the server would have sent (verification links)") }
        let wkdPath = keys.first.map { "/.well-known/openpgpkey/\(domain)/hu/\($0.wkdHash)" }
        if let first = keys.first, let wkdPath {
            lines.append("  \(base)\(wkdPath)   WKD: \(first.address)'s key (send Host: openpgpkey.\(domain))")
        }
        lines += ["", "Try:"]
        if let wkdPath { lines.append("  curl -s -H 'Host: openpgpkey.\(domain)' \(base)\(wkdPath) | gpg --show-keys") }
        if let socketmap = configuration.socketmap {
            lines.append("  postmap -q \(domain) socketmap:inet:\(socketmap.listen):postfix   (Postfix's tools; no answer: no policy)")
        }
        if let first = keys.first { lines.append("  .build/debug/stockade wkd hash \(first.address)") }
        if let policy = configuration.mtaSTS.first {
            lines.append("  curl -s -H 'Host: mta-sts.\(policy.domain)' \(base)/.well-known/mta-sts.txt")
        }
        if let milter = configuration.milter {
            lines.append("  smtpd_milters = \(milter.listen)   (Postfix main.cf: SPF, DKIM and DMARC of received mail)")
        }
        if let inbox = configuration.reportInbox {
            lines.append("  curl -s -H 'Content-Type: application/tlsrpt+json' --data-binary @config/demo-tlsrpt.json \(base)"
                         + (inbox.path ?? ReportInboxSetup.defaultPath) + "   (a TLS report, as a sending MTA posts it)")
            if let token = configuration.adminToken {
                lines.append("  curl -s -H 'Authorization: Bearer \(token)' '\(base)/reports/api/\(domain)?from=2026-12-01&to=2026-12-01'")
            }
        }
        return lines.joined(separator: "\n") + "\n\n"
    }
}
