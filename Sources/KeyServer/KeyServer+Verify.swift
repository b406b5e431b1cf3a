import Foundation
import OpenPGP
import Store
public import VKS

/// What a verification link shows before its holder confirms.
public struct PendingVerification: Sendable, Hashable {
    public let address: String
    public let fingerprint: String

    public init(address: String, fingerprint: String) {
        self.address = address
        self.fingerprint = fingerprint
    }
}

extension KeyServer {
    /// `POST /vks/v1/request-verify`: for each address, publishes it at once if the directory associates it with
    /// this key, or queues one verification mail (at most one per address per ``KeyServerConfiguration/mailInterval``).
    public func requestVerify(token: String, addresses: [String]) async throws(KeyServerError) -> VKSUploadResponse {
        guard let upload = UploadToken.open(token, with: sealingKey, at: now()) else { throw .tokenInvalid }
        guard !addresses.isEmpty, addresses.count <= 100 else { throw .badRequest("name between 1 and 100 addresses") }
        return try await retryingConflicts {
            guard let staged = try await store.stagedUpload(fingerprint: upload.fingerprint), staged.expiresAt >= now() else {
                throw KeyServerError.tokenInvalid
            }
            let full = try parseOne(staged.bytes)
            let status = full.status(at: now())
            guard !status.validity.isRevoked else { throw KeyServerError.badRequest("the key is revoked") }
            let usable = Dictionary(status.userIDs.filter { $0.validity.isValid }.compactMap { u in
                u.address.map { ($0.wkdComparable, $0.description) }
            }, uniquingKeysWith: { first, _ in first })
            let directory = Set(try await directoryAddresses(of: full))
            var bound = Set(try await store.publishedAddresses(fingerprint: upload.fingerprint).map(\.address))
            var change = KeyServerChange()
            var pending = Set<String>()
            let since = now().addingTimeInterval(-configuration.mailInterval)
            for requested in addresses {
                guard let key = HKPSearch.emailKey(requested), let display = usable[key] else {
                    throw KeyServerError.badRequest("\(requested) is not a valid user ID of key \(upload.fingerprint)")
                }
                if bound.contains(key) || pending.contains(key) { continue }
                if directory.contains(key) {
                    bound.insert(key)
                    change.bindAddresses.append(PublishedAddressRecord(address: key, fingerprint: upload.fingerprint, publishedAt: now()))
                    try await unbind(key, from: upload.fingerprint, into: &change)
                    continue
                }
                pending.insert(key)
                guard try await store.tokens(address: key, purpose: .verify, since: since).isEmpty else { continue }
                let mailToken = MailToken()
                change.insertTokens.append(KeyServerTokenRecord(
                    hash: mailToken.hash, purpose: .verify, fingerprint: upload.fingerprint, address: key,
                    bytes: full.minimized(forAddresses: [key], at: now()).serialized, createdAt: now(),
                    expiresAt: now().addingTimeInterval(configuration.verificationLifetime)))
                change.mail.append(verificationMail(to: display, fingerprint: upload.fingerprint, token: mailToken.value))
            }
            if !change.bindAddresses.isEmpty {
                let previous = try await store.publishedKey(fingerprint: upload.fingerprint)
                let merged = try previous.map { try certificate($0).merged(with: full) } ?? full
                let (published, _) = publication(of: merged, verified: bound)
                change.keys.append((publishedRecord(published, previous: previous), previous?.version))
            }
            try await commit(change)
            return VKSUploadResponse(keyFingerprint: upload.fingerprint, status: try await states(of: full, published: bound),
                                     token: token)
        }
    }

    /// `GET /verify/<token>`: what the link would publish. Publishes nothing (mail scanners follow links).
    public func pendingVerification(token: String) async throws(KeyServerError) -> PendingVerification {
        let record = try await liveToken(token, purpose: .verify)
        return PendingVerification(address: record.address, fingerprint: record.fingerprint)
    }

    /// `POST /verify/<token>`: publishes the address on the key (unpublishing it from any other key) and uses the
    /// token up. Counted in `stockade_keyserver_verifications_total{result="accepted|refused|failed"}`.
    public func confirmVerification(token: String) async throws(KeyServerError) -> PendingVerification {
        try await counted("stockade_keyserver_verifications_total") { () async throws(KeyServerError) in try await confirm(token) }
    }

    private func confirm(_ token: String) async throws(KeyServerError) -> PendingVerification {
        try await retryingConflicts {
            let record = try await liveToken(token, purpose: .verify)
            guard let previous = try await store.publishedKey(fingerprint: record.fingerprint) else {
                throw KeyServerError.linkInvalid
            }
            let confirmed: Certificate
            do {
                confirmed = try Certificate(bytes: record.bytes)
            } catch {
                throw KeyServerError(.unavailable, "stored verification for \(record.fingerprint) does not parse")
            }
            let merged = try certificate(previous).merged(with: confirmed)
            let bound = Set(try await store.publishedAddresses(fingerprint: record.fingerprint).map(\.address)).union([record.address])
            let (published, kept) = publication(of: merged, verified: bound)
            guard kept.contains(record.address) else {
                throw KeyServerError.badRequest("\(record.address) is no longer a valid user ID of this key")
            }
            var change = KeyServerChange()
            change.consumeTokens = [record.hash]
            change.keys.append((publishedRecord(published, previous: previous), previous.version))
            try await unbind(record.address, from: record.fingerprint, into: &change)
            change.bindAddresses.append(PublishedAddressRecord(address: record.address, fingerprint: record.fingerprint, publishedAt: now()))
            try await commit(change)
            return PendingVerification(address: record.address, fingerprint: record.fingerprint)
        }
    }

    /// The stored record of an unexpired token of `purpose`, or ``KeyServerError/linkInvalid``.
    func liveToken(_ token: String, purpose: KeyServerTokenPurpose) async throws(KeyServerError) -> KeyServerTokenRecord {
        guard token.utf8.count <= 128 else { throw .linkInvalid }
        let record: KeyServerTokenRecord?
        do {
            record = try await store.token(hash: MailToken.hash(of: token))
        } catch {
            throw KeyServerError(.unavailable, "storage failed: \(error)")
        }
        guard let record, record.purpose == purpose, record.expiresAt >= now() else { throw .linkInvalid }
        return record
    }

    func verificationMail(to address: String, fingerprint: String, token: String) -> OutgoingMailRecord {
        let host = URL(string: configuration.baseURL)?.host ?? configuration.baseURL
        let body = """
            Hello,

            someone asked \(host) to publish the address \(address) in the OpenPGP key
            \(fingerprint).

            If that was you, open this link and confirm:

            \(configuration.baseURL)/verify/\(token)

            The link works once and expires in \(Int(configuration.verificationLifetime / 3600)) hours. If it was not you, ignore this
            message: nothing is published without the confirmation.
            """
        return OutgoingMailRecord(recipient: address, subject: "Verify \(address) for your key on \(host)", body: body,
                                  createdAt: now(), nextAttemptAt: now())
    }
}
