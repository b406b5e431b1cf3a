import Foundation
public import OpenPGP
import Store
public import VKS

extension KeyServer {
    /// The published key with this fingerprint (primary key or subkey), binary; nil if none.
    public func key(fingerprint: String) async throws(KeyServerError) -> [UInt8]? {
        try await retryingConflicts {
            if let record = try await store.publishedKey(fingerprint: fingerprint) { return record.bytes }
            return try await store.publishedKeys(lookupID: fingerprint).first?.bytes
        }
    }

    /// Published keys whose primary key or a subkey has this 16-digit key ID, binary and concatenated; nil if none.
    public func keys(keyID: String) async throws(KeyServerError) -> [UInt8]? {
        try await retryingConflicts {
            let records = try await store.publishedKeys(lookupID: keyID)
            return records.isEmpty ? nil : records.flatMap(\.bytes)
        }
    }

    /// The key published for a verified address, binary; nil if none.
    public func key(email: String) async throws(KeyServerError) -> [UInt8]? {
        guard let address = HKPSearch.emailKey(email) else { throw .badRequest("\(email) is not an email address") }
        return try await retryingConflicts {
            guard let bound = try await store.publishedAddress(address) else { return nil }
            return try await store.publishedKey(fingerprint: bound.fingerprint)?.bytes
        }
    }

    /// The keys an HKP search names, as published.
    public func search(_ search: HKPSearch) async throws(KeyServerError) -> [Certificate] {
        let bytes: [UInt8]?
        switch search {
        case .fingerprint(let f): bytes = try await key(fingerprint: f)
        case .keyID(let k): bytes = try await keys(keyID: k)
        case .email(let e): bytes = try await key(email: e)
        }
        guard let bytes else { return [] }
        do {
            return try Certificate.readAll(bytes)
        } catch {
            throw KeyServerError(.unavailable, "stored key does not parse: \(error)")
        }
    }

    /// Deletes expired staged uploads and tokens (run periodically by the server).
    public func purgeExpired() async throws(KeyServerError) -> Int {
        try await retryingConflicts { try await store.purgeExpired(before: now()) }
    }
}
