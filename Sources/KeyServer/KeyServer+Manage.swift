import Foundation
import OpenPGP
import Store
import VKS

/// What a manage link shows: the key and its published addresses.
public struct ManagedKey: Sendable, Hashable {
    public let fingerprint: String
    public let addresses: [String]

    public init(fingerprint: String, addresses: [String]) {
        self.fingerprint = fingerprint
        self.addresses = addresses
    }
}

extension KeyServer {
    /// Mails a manage link to `address` if it is published (at most one per address per mail interval).
    /// Says nothing about whether it is published: the page shows the same text either way.
    public func requestManage(address: String) async throws(KeyServerError) {
        guard let key = HKPSearch.emailKey(address) else { throw .badRequest("\(address) is not an email address") }
        try await retryingConflicts {
            guard let bound = try await store.publishedAddress(key) else { return }
            let since = now().addingTimeInterval(-configuration.mailInterval)
            guard try await store.tokens(address: key, purpose: .manage, since: since).isEmpty else { return }
            let token = MailToken()
            var change = KeyServerChange()
            change.insertTokens.append(KeyServerTokenRecord(
                hash: token.hash, purpose: .manage, fingerprint: bound.fingerprint, address: key, bytes: [],
                createdAt: now(), expiresAt: now().addingTimeInterval(configuration.manageLifetime)))
            change.mail.append(manageMail(to: address, fingerprint: bound.fingerprint, token: token.value))
            try await commit(change)
        }
    }

    /// `GET /manage/<token>`.
    public func managedKey(token: String) async throws(KeyServerError) -> ManagedKey {
        let record = try await liveToken(token, purpose: .manage)
        return try await retryingConflicts {
            ManagedKey(fingerprint: record.fingerprint,
                       addresses: try await store.publishedAddresses(fingerprint: record.fingerprint).map(\.address))
        }
    }

    /// `POST /manage/<token>`: unpublishes `address` from the key; its user ID is deleted from what is stored, with the
    /// staged upload, every token for the address (this manage link too) and mail queued to it.
    public func unpublish(token: String, address: String) async throws(KeyServerError) -> ManagedKey {
        let record = try await liveToken(token, purpose: .manage)
        guard let key = HKPSearch.emailKey(address) else { throw .badRequest("\(address) is not an email address") }
        return try await retryingConflicts {
            guard let previous = try await store.publishedKey(fingerprint: record.fingerprint) else { throw KeyServerError.linkInvalid }
            let bound = Set(try await store.publishedAddresses(fingerprint: record.fingerprint).map(\.address))
            guard bound.contains(key) else { throw KeyServerError.notFound("\(address) is not published on this key") }
            let remaining = bound.subtracting([key])
            let (published, _) = publication(of: try certificate(previous), verified: remaining)
            var change = KeyServerChange()
            change.keys.append((publishedRecord(published, previous: previous), previous.version))
            change.unbindAddresses = [key]
            change.dropStagedUploads = [record.fingerprint]
            change.eraseAddresses = [key]
            try await commit(change)
            return ManagedKey(fingerprint: record.fingerprint, addresses: remaining.sorted())
        }
    }

    func manageMail(to address: String, fingerprint: String, token: String) -> OutgoingMailRecord {
        let host = URL(string: configuration.baseURL)?.host ?? configuration.baseURL
        let body = """
            Hello,

            someone asked to manage the key \(fingerprint) published for \(address) on \(host).
            To remove addresses from it, open:

            \(configuration.baseURL)/manage/\(token)

            The link expires in \(Int(configuration.manageLifetime / 3600)) hours. If you did not ask, ignore this message.
            """
        return OutgoingMailRecord(recipient: address, subject: "Manage your key on \(host)", body: body,
                                  createdAt: now(), nextAttemptAt: now())
    }
}
