import Foundation
public import OpenPGP
import Store
public import VKS

/// Published keys found by one lookup: their binary certificates concatenated, and the primary fingerprints of the keys
/// they hold (what an answer prepared from them depends on).
public struct PublishedLookup: Sendable, Hashable {
    public let bytes: [UInt8]
    /// Upper-case hex, in the order of `bytes`.
    public let fingerprints: [String]

    init?(_ records: [PublishedKeyRecord]) {
        guard !records.isEmpty else { return nil }
        bytes = records.flatMap(\.bytes)
        fingerprints = records.map(\.fingerprint)
    }
}

extension KeyServer {
    /// The published key with this fingerprint (primary key or subkey), binary; nil if none.
    public func key(fingerprint: String) async throws(KeyServerError) -> [UInt8]? {
        try await lookup(fingerprint: fingerprint)?.bytes
    }

    /// Published keys whose primary key or a subkey has this 16-digit key ID, binary and concatenated; nil if none.
    public func keys(keyID: String) async throws(KeyServerError) -> [UInt8]? {
        try await lookup(keyID: keyID)?.bytes
    }

    /// The key published for a verified address, binary; nil if none.
    public func key(email: String) async throws(KeyServerError) -> [UInt8]? {
        try await lookup(email: email)?.bytes
    }

    /// ``key(fingerprint:)`` with the fingerprint of the key found.
    public func lookup(fingerprint: String) async throws(KeyServerError) -> PublishedLookup? {
        try await retryingConflicts {
            if let record = try await store.publishedKey(fingerprint: fingerprint) { return PublishedLookup([record]) }
            return try await store.publishedKeys(lookupID: fingerprint).first.flatMap { PublishedLookup([$0]) }
        }
    }

    /// ``keys(keyID:)`` with the fingerprints of the keys found.
    public func lookup(keyID: String) async throws(KeyServerError) -> PublishedLookup? {
        try await retryingConflicts { PublishedLookup(try await store.publishedKeys(lookupID: keyID)) }
    }

    /// ``key(email:)`` with the fingerprint of the key found.
    public func lookup(email: String) async throws(KeyServerError) -> PublishedLookup? {
        guard let address = HKPSearch.emailKey(email) else { throw .badRequest("\(email) is not an email address") }
        return try await retryingConflicts {
            guard let bound = try await store.publishedAddress(address) else { return nil }
            return try await store.publishedKey(fingerprint: bound.fingerprint).flatMap { PublishedLookup([$0]) }
        }
    }

    /// The published keys an HKP search names, with their fingerprints; nil if none.
    public func lookup(_ search: HKPSearch) async throws(KeyServerError) -> PublishedLookup? {
        switch search {
        case .fingerprint(let f): try await lookup(fingerprint: f)
        case .keyID(let k): try await lookup(keyID: k)
        case .email(let e): try await lookup(email: e)
        }
    }

    /// The keys an HKP search names, as published.
    public func search(_ search: HKPSearch) async throws(KeyServerError) -> [Certificate] {
        guard let bytes = try await lookup(search)?.bytes else { return [] }
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
