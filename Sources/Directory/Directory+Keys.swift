import Foundation
public import Store
import OpenPGP

extension Directory {
    /// Imports a certificate (armored or binary) into an account, merging it with the stored copy if the account
    /// has it already.
    @discardableResult
    public func importKey(_ bytes: [UInt8], accountID: String) async throws(DirectoryError) -> KeyRecord {
        defer { cache.removeAll() }  // every change invalidates cached publication decisions
        _ = try await openAccount(accountID)
        let certificate = try Self.certificate(from: bytes)
        let fingerprint = certificate.fingerprint.description
        let time = now()
        var record = KeyRecord(fingerprint: fingerprint, accountID: accountID, bytes: Data(certificate.serialized), importedAt: time, updatedAt: time)
        if let existing = try await storage({ () async throws(StoreError) in try await store.key(fingerprint: fingerprint) }) {
            guard existing.accountID == accountID else { throw .keyOwnedElsewhere(fingerprint) }
            let stored = try Self.certificate(from: Array(existing.bytes))
            do {
                record.bytes = Data(try stored.merged(with: certificate).serialized)
            } catch {
                throw .invalidKey("\(error)")
            }
            record.importedAt = existing.importedAt
        }
        try await storage { () async throws(StoreError) in try await store.saveKey(record) }
        return record
    }

    /// Associates an address of the key's account with the key. The key must carry a valid (self-signed,
    /// unrevoked, unexpired) user ID for the address, and itself be valid.
    public func associate(address text: String, fingerprint: String) async throws(DirectoryError) {
        defer { cache.removeAll() }  // every change invalidates cached publication decisions
        var row = try await address(text)
        guard row.removedAt == nil else { throw .addressRemoved(row.display) }
        _ = try await openAccount(row.accountID)
        let normalized = fingerprint.uppercased().filter { !$0.isWhitespace }
        guard let key = try await storage({ () async throws(StoreError) in try await store.key(fingerprint: normalized) }) else {
            throw .keyNotFound(normalized)
        }
        guard key.accountID == row.accountID else { throw .keyOwnedElsewhere(normalized) }
        let certificate = try Self.certificate(from: Array(key.bytes))
        if let problem = Self.problem(certificate.status(at: now()), address: row.display) {
            throw .noValidUserID(row.display, normalized, problem)
        }
        row.keyFingerprint = normalized
        try await storage { () async throws(StoreError) in try await store.updateAddress(row) }
    }

    static func certificate(from bytes: [UInt8]) throws(DirectoryError) -> Certificate {
        do {
            let certificates = try Certificate.readAll(bytes)
            guard certificates.count == 1, let certificate = certificates.first else {
                throw DirectoryError.invalidKey("expected one certificate, found \(certificates.count)")
            }
            return certificate
        } catch let error as DirectoryError {
            throw error
        } catch {
            throw .invalidKey("\(error)")
        }
    }

    /// Why a certificate in this state cannot be published for the address, or nil when it can.
    static func problem(_ status: CertificateStatus, address: String) -> String? {
        switch status.validity {
        case .valid: break
        case .expired(let at): return "the key expired at \(at)"
        case .revoked(let reason, _): return "the key is revoked" + (reason.map { " (\($0))" } ?? "")
        case .invalid(let reason): return reason
        }
        // The WKD comparison (ASCII letters only), the same one minimization applies to pick the user ID.
        guard let wanted = MailAddress(address)?.wkdComparable else { return "\(address) is not an address" }
        let matching = status.userIDs.filter { $0.address?.wkdComparable == wanted }
        guard !matching.isEmpty else { return "the key has no user ID with this address" }
        guard matching.contains(where: { $0.validity.isValid }) else {
            return "the user ID for this address is " + (matching.contains { $0.validity.isRevoked } ? "revoked" : "not valid")
        }
        return nil
    }
}
