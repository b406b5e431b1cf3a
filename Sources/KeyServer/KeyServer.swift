import Crypto
import Metrics
public import Foundation
import OpenPGP
public import Store
import Synchronization
import VKS

/// A validating key server (the keys.openpgp.org model): a key is published at once by fingerprint and key ID
/// without identities; each address in it is published only after its owner confirms a mailed link, and is
/// removed (its user ID deleted, not hidden) on the owner's request.
///
/// Every action reads, computes the new published keys, and commits one ``KeyServerChange``; a concurrent change
/// to the same key makes the commit fail and the action re-runs on fresh data.
public struct KeyServer: Sendable {
    let store: any KeyServerStore & Store
    let secret: [UInt8]
    public let configuration: KeyServerConfiguration
    let now: @Sendable () -> Date
    /// Handlers told of every committed change to what is published (``observeChanges(_:)``).
    let observers = PublicationObservers()

    /// - Parameters:
    ///   - store: the key-server tables and the directory (addresses the directory associates with a key are
    ///     published without a mail round trip).
    ///   - secret: 32 octets that seal upload tokens; the same on every server sharing the store.
    ///   - now: the clock.
    public init(store: any KeyServerStore & Store, secret: [UInt8], configuration: KeyServerConfiguration,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.secret = secret
        self.configuration = configuration
        self.now = now
    }

    var sealingKey: SymmetricKey { SymmetricKey(data: secret) }

    /// Commits `change` and tells the observers which published keys, lookups and addresses it wrote.
    func commit(_ change: KeyServerChange) async throws(StoreError) {
        try await store.commit(change)
        var changes: [DirectoryChange] = []
        for (record, _) in change.keys {
            changes.append(.publishedKey(fingerprint: record.fingerprint))
            changes += record.lookupIDs.map { .publishedLookup(id: $0) }
        }
        changes += (change.bindAddresses.map(\.address) + change.unbindAddresses).map { .publishedAddress($0) }
        observers.announce(changes)
    }

    /// Calls `handler` with every change this key server commits to what it publishes (keys, lookups, addresses), after
    /// the commit; prepared answers (the server's VKS and HKP responses) follow the published keys this way.
    public func observeChanges(_ handler: @escaping @Sendable (DirectoryChange) -> Void) {
        observers.add(handler)
    }

    /// Runs `body` and counts its outcome in the counter `label`: `result="accepted"`, `"refused"` (the client's request
    /// was refused) or `"failed"` (the server could not do it).
    func counted<T>(_ label: String, _ body: () async throws(KeyServerError) -> T) async throws(KeyServerError) -> T {
        do {
            let value = try await body()
            Counter(label: label, dimensions: [("result", "accepted")]).increment()
            return value
        } catch {
            Counter(label: label, dimensions: [("result", error.kind == .unavailable ? "failed" : "refused")]).increment()
            throw error
        }
    }

    /// Runs `body` again (up to 5 times) when its commit lost a race with another change.
    func retryingConflicts<T>(_ body: () async throws -> T) async throws(KeyServerError) -> T {
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch let error as KeyServerError {
                throw error
            } catch let error as StoreError where error == .conflict("") && attempt < 4 {
                attempt += 1
            } catch let error as StoreError where error == .notFound("") {
                throw .linkInvalid
            } catch {
                throw KeyServerError(.unavailable, "storage failed: \(error)")
            }
        }
    }

    /// The published record to write for `certificate`, given the record read before (nil: new key).
    func publishedRecord(_ certificate: Certificate, previous: PublishedKeyRecord?) -> PublishedKeyRecord {
        var ids = [certificate.fingerprint.description, certificate.keyID.description]
        for s in certificate.subkeys { ids += [s.key.fingerprint.description, s.key.keyID.description] }
        return PublishedKeyRecord(fingerprint: certificate.fingerprint.description, bytes: certificate.serialized,
                                  lookupIDs: ids, version: previous?.version ?? 0, updatedAt: now())
    }

    /// The certificate stored for a published record.
    func certificate(_ record: PublishedKeyRecord) throws(KeyServerError) -> Certificate {
        do {
            return try Certificate(bytes: record.bytes)
        } catch {
            throw KeyServerError(.unavailable, "stored key \(record.fingerprint) does not parse: \(error)")
        }
    }

    /// What is published of `certificate` when `addresses` are verified: nothing of a revoked key but its keys and
    /// revocations; otherwise the user IDs of verified addresses that are valid at this time.
    func publication(of certificate: Certificate, verified addresses: Set<String>) -> (Certificate, Set<String>) {
        let time = now()
        let status = certificate.status(at: time)
        guard !status.validity.isRevoked else { return (certificate.minimized(forAddresses: [], at: time), []) }
        let usable = Set(status.userIDs.filter { $0.validity.isValid }.compactMap { $0.address?.wkdComparable })
        let kept = addresses.intersection(usable)
        return (certificate.minimized(forAddresses: kept, at: time), kept)
    }
}

/// The handlers a ``KeyServer`` (and its copies) tells of committed changes.
final class PublicationObservers: Sendable {
    private let handlers = Mutex<[@Sendable (DirectoryChange) -> Void]>([])

    func add(_ handler: @escaping @Sendable (DirectoryChange) -> Void) {
        handlers.withLock { $0.append(handler) }
    }

    func announce(_ changes: [DirectoryChange]) {
        let current = handlers.withLock { $0 }
        for change in changes { for handler in current { handler(change) } }
    }
}
