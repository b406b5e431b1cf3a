public import Foundation

/// Persistence for the validating key server. Reads are snapshots; ``commit(_:)`` applies a whole action at once
/// and fails with ``StoreError/conflict(_:)`` when a key changed since it was read, so the caller re-reads and
/// retries instead of overwriting another server's change.
public protocol KeyServerStore: Sendable {
    func publishedKey(fingerprint: String) async throws(StoreError) -> PublishedKeyRecord?
    /// Keys whose primary key or a subkey has this upper-case hex key ID or fingerprint.
    func publishedKeys(lookupID: String) async throws(StoreError) -> [PublishedKeyRecord]
    func publishedAddress(_ address: String) async throws(StoreError) -> PublishedAddressRecord?
    func publishedAddresses(fingerprint: String) async throws(StoreError) -> [PublishedAddressRecord]
    func stagedUpload(fingerprint: String) async throws(StoreError) -> StagedUploadRecord?
    func token(hash: String) async throws(StoreError) -> KeyServerTokenRecord?
    /// Tokens for an address created at or after `since`, newest first.
    func tokens(address: String, purpose: KeyServerTokenPurpose, since: Date) async throws(StoreError) -> [KeyServerTokenRecord]
    func commit(_ change: KeyServerChange) async throws(StoreError)
    /// Deletes staged uploads and tokens that expired before `time`; returns how many rows went.
    @discardableResult func purgeExpired(before time: Date) async throws(StoreError) -> Int

    /// Messages due at `time` (not dead), oldest first. A read for inspection: it claims nothing, so a sender must use
    /// ``claimMail(at:leaseUntil:limit:)`` instead.
    func dueMail(at time: Date, limit: Int) async throws(StoreError) -> [OutgoingMailRecord]
    /// One queued message, dead or alive.
    func mail(id: Int64) async throws(StoreError) -> OutgoingMailRecord?
    /// How many messages the outbox holds: still to be sent (due or not), and dead.
    func outboxDepth() async throws(StoreError) -> OutboxDepth
    /// Claims up to `limit` due messages (not dead, `nextAttemptAt <= time`), oldest first, in one write transaction:
    /// each gets `attempts + 1` and `nextAttemptAt = leaseUntil`, and is returned with those values. No other claim on
    /// the same database returns the row again before `leaseUntil`, so two servers never both hold it; if its holder
    /// neither removes nor reschedules it (a crash), it comes due again when the lease ends. (PostgreSQL: `UPDATE …
    /// WHERE id IN (SELECT id … FOR UPDATE SKIP LOCKED LIMIT n) RETURNING *`.)
    func claimMail(at time: Date, leaseUntil: Date, limit: Int) async throws(StoreError) -> [OutgoingMailRecord]
    /// Removes a message the relay accepted. Nothing of it is kept: its body holds a live token.
    func deleteMail(id: Int64) async throws(StoreError)
    /// Reschedules a message after the failed attempt number `attempt`, with its error (an SMTP code or a fixed phrase,
    /// never relay text). Changes nothing and returns `false` when a later claim holds the row or it is gone or dead.
    @discardableResult
    func deferMail(id: Int64, attempt: Int, error: String, nextAttemptAt: Date) async throws(StoreError) -> Bool
    /// Marks a message dead after its last allowed attempt `attempt`: it is kept with `error` and never claimed again.
    /// Returns `false` (changing nothing) when a later claim holds the row or it is gone or already dead.
    @discardableResult
    func markMailDead(id: Int64, attempt: Int, error: String, at time: Date) async throws(StoreError) -> Bool
}
