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

    /// Messages due at `time`, oldest first.
    func dueMail(at time: Date, limit: Int) async throws(StoreError) -> [OutgoingMailRecord]
    func deleteMail(id: Int64) async throws(StoreError)
    func deferMail(id: Int64, error: String, nextAttemptAt: Date) async throws(StoreError)
}
