public import Foundation

/// A key as the validating key server publishes it: only verified, unrevoked user IDs are in `bytes`.
public struct PublishedKeyRecord: Sendable, Hashable {
    /// The primary key's fingerprint, upper-case hex.
    public var fingerprint: String
    /// The binary certificate served by fingerprint, key ID and (for its bound addresses) email.
    public var bytes: [UInt8]
    /// Upper-case hex key IDs and fingerprints of the primary key and every subkey, for lookups.
    public var lookupIDs: [String]
    /// Incremented by every change; a change names the version it read (optimistic concurrency).
    public var version: Int
    public var updatedAt: Date

    public init(fingerprint: String, bytes: [UInt8], lookupIDs: [String], version: Int, updatedAt: Date) {
        self.fingerprint = fingerprint
        self.bytes = bytes
        self.lookupIDs = lookupIDs
        self.version = version
        self.updatedAt = updatedAt
    }
}

/// An address whose owner confirmed it for one key. An address is bound to at most one key.
public struct PublishedAddressRecord: Sendable, Hashable {
    /// The address in the WKD comparison form (ASCII letters lower-cased).
    public var address: String
    public var fingerprint: String
    public var publishedAt: Date

    public init(address: String, fingerprint: String, publishedAt: Date) {
        self.address = address
        self.fingerprint = fingerprint
        self.publishedAt = publishedAt
    }
}

/// The full certificate of an upload, kept only until its upload token expires so that addresses can be chosen
/// for verification; purged after that.
public struct StagedUploadRecord: Sendable, Hashable {
    public var fingerprint: String
    public var bytes: [UInt8]
    public var expiresAt: Date

    public init(fingerprint: String, bytes: [UInt8], expiresAt: Date) {
        self.fingerprint = fingerprint
        self.bytes = bytes
        self.expiresAt = expiresAt
    }
}

/// What a mailed link lets its holder do.
public enum KeyServerTokenPurpose: String, Sendable, Hashable {
    /// Publish one address of one key (single use).
    case verify
    /// Unpublish addresses of one key.
    case manage
}

/// A mailed token, stored only as the SHA-256 of its value.
public struct KeyServerTokenRecord: Sendable, Hashable {
    /// Lower-case hex SHA-256 of the token.
    public var hash: String
    public var purpose: KeyServerTokenPurpose
    public var fingerprint: String
    /// The address the mail went to (WKD comparison form).
    public var address: String
    /// For `verify`: the certificate minimized to `address`, merged into the published key on confirmation.
    public var bytes: [UInt8]
    public var createdAt: Date
    public var expiresAt: Date

    public init(hash: String, purpose: KeyServerTokenPurpose, fingerprint: String, address: String, bytes: [UInt8],
                createdAt: Date, expiresAt: Date) {
        self.hash = hash
        self.purpose = purpose
        self.fingerprint = fingerprint
        self.address = address
        self.bytes = bytes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A message waiting in the outbox; removed only once the relay accepted it, kept as dead after its last allowed
/// attempt.
/// The size of the outbox (``KeyServerStore/outboxDepth()``).
public struct OutboxDepth: Sendable, Hashable {
    /// Messages not sent yet and not dead, due now or later.
    public var queued: Int
    /// Messages kept as dead after their last attempt.
    public var dead: Int

    public init(queued: Int, dead: Int) {
        self.queued = queued
        self.dead = dead
    }
}

public struct OutgoingMailRecord: Sendable, Hashable {
    /// Assigned by the store.
    public var id: Int64?
    /// An unverified address: log it only at debug level.
    public var recipient: String
    public var subject: String
    public var body: String
    public var createdAt: Date
    /// Attempts claimed so far, counted when a sender claims the row (so a crash mid-send counts too).
    public var attempts: Int
    /// When the message is due; while a sender holds it, the end of its lease.
    public var nextAttemptAt: Date
    /// The last failure: an SMTP reply code with its enhanced status code or a fixed phrase, never relay text.
    public var lastError: String?
    /// When the outbox gave up on the message; a dead message is kept but never sent.
    public var deadAt: Date?

    public init(id: Int64? = nil, recipient: String, subject: String, body: String, createdAt: Date, attempts: Int = 0,
                nextAttemptAt: Date, lastError: String? = nil, deadAt: Date? = nil) {
        self.id = id
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.deadAt = deadAt
    }
}

/// Everything one key-server action changes, applied in one transaction.
public struct KeyServerChange: Sendable {
    /// Keys to write, each with the version it was read at (nil: it must not exist yet).
    public var keys: [(record: PublishedKeyRecord, readVersion: Int?)] = []
    public var bindAddresses: [PublishedAddressRecord] = []
    public var unbindAddresses: [String] = []
    public var stagedUploads: [StagedUploadRecord] = []
    /// Fingerprints whose staged upload is deleted (an owner removed an address: no copy of it may stay).
    public var dropStagedUploads: [String] = []
    public var insertTokens: [KeyServerTokenRecord] = []
    /// Token hashes to delete; the change fails with ``StoreError/notFound(_:)`` if one is already gone (single use).
    public var consumeTokens: [String] = []
    public var mail: [OutgoingMailRecord] = []
    /// Addresses (lower-cased) whose every trace goes: their tokens of any purpose and mail queued to them. The store
    /// then makes what was deleted unrecoverable from its files (SQLite: `secure_delete` and a WAL checkpoint).
    public var eraseAddresses: [String] = []

    public init() {}
}
