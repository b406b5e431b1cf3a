import Foundation
import Metrics
import OpenPGP
import Store
public import VKS

extension KeyServer {
    /// `POST /vks/v1/upload`: publishes the key's non-identity parts (merged into what is published already),
    /// publishes at once the addresses the directory associates with this key, stages the full key for
    /// `request-verify`, and returns each address's state with an upload token.
    /// - Parameter bytes: one certificate, armored or binary, at most ``KeyServerConfiguration/maxUploadBytes``.
    /// Counted in `stockade_keyserver_uploads_total{result="accepted|refused|failed"}` (swift-metrics).
    public func upload(_ bytes: [UInt8]) async throws(KeyServerError) -> VKSUploadResponse {
        try await counted("stockade_keyserver_uploads_total") { () async throws(KeyServerError) in try await accept(bytes) }
    }

    private func accept(_ bytes: [UInt8]) async throws(KeyServerError) -> VKSUploadResponse {
        guard bytes.count <= configuration.maxUploadBytes else {
            throw KeyServerError(.tooLarge, "the key is \(bytes.count) bytes; the limit is \(configuration.maxUploadBytes)")
        }
        let uploaded = try parseOne(bytes)
        let fingerprint = uploaded.fingerprint.description
        return try await retryingConflicts {
            let previous = try await store.publishedKey(fingerprint: fingerprint)
            let full = try previous.map { try certificate($0).merged(with: uploaded) } ?? uploaded.merged(with: uploaded)
            var bound = Set(try await store.publishedAddresses(fingerprint: fingerprint).map(\.address))
            var change = KeyServerChange()
            for address in try await directoryAddresses(of: full) where !bound.contains(address) {
                bound.insert(address)
                change.bindAddresses.append(PublishedAddressRecord(address: address, fingerprint: fingerprint, publishedAt: now()))
                try await unbind(address, from: fingerprint, into: &change)
            }
            let (published, kept) = publication(of: full, verified: bound)
            change.unbindAddresses += bound.subtracting(kept).sorted()
            change.bindAddresses.removeAll { !kept.contains($0.address) }
            change.keys.append((publishedRecord(published, previous: previous), previous?.version))
            let expiry = now().addingTimeInterval(configuration.uploadTokenLifetime)
            change.stagedUploads.append(StagedUploadRecord(fingerprint: fingerprint, bytes: full.serialized, expiresAt: expiry))
            try await commit(change)
            return VKSUploadResponse(keyFingerprint: fingerprint,
                                     status: try await states(of: full, published: kept),
                                     token: try UploadToken(fingerprint: fingerprint, expires: Int64(expiry.timeIntervalSince1970))
                                        .sealed(with: sealingKey))
        }
    }

    /// One public certificate with something to publish, or a clear refusal.
    func parseOne(_ bytes: [UInt8]) throws(KeyServerError) -> Certificate {
        let certificates: [Certificate]
        do {
            certificates = try Certificate.readAll(bytes)
        } catch let error as OpenPGPError {
            throw .badRequest("not an OpenPGP public key: \(error.reason)")
        } catch {
            throw .badRequest("not an OpenPGP public key")
        }
        guard certificates.count == 1, let cert = certificates.first else {
            throw .badRequest(certificates.isEmpty ? "no key in the upload" : "upload one key at a time, not \(certificates.count)")
        }
        let revoked = cert.status(at: now()).validity.isRevoked
        guard !cert.userIDs.isEmpty || !cert.subkeys.isEmpty || revoked else {
            throw .badRequest("the key has no user ID, no subkey and no revocation: nothing to publish")
        }
        return cert
    }

    /// The state of every address in `certificate`, keyed by the address as the user ID writes it.
    func states(of certificate: Certificate, published: Set<String>) async throws -> [String: VKSAddressState] {
        let status = certificate.status(at: now())
        var result: [String: VKSAddressState] = [:]
        let since = now().addingTimeInterval(-configuration.mailInterval)
        for u in status.userIDs {
            guard let address = u.address else { continue }
            let key = address.wkdComparable
            let state: VKSAddressState
            if status.validity.isRevoked || u.validity.isRevoked {
                state = .revoked
            } else if published.contains(key) {
                state = .published
            } else if try await store.tokens(address: key, purpose: .verify, since: since)
                        .contains(where: { $0.fingerprint == certificate.fingerprint.description }) {
                state = .pending
            } else {
                state = .unpublished
            }
            if result[address.description] != .published { result[address.description] = state }
        }
        return result
    }

    /// Addresses of `certificate` that the directory assigns to an open account and associates with this key.
    func directoryAddresses(of certificate: Certificate) async throws -> [String] {
        var found: [String] = []
        for u in certificate.status(at: now()).userIDs where u.validity.isValid {
            guard let address = u.address?.wkdComparable, !found.contains(address),
                  let record = try await store.address(address),
                  record.removedAt == nil, record.keyFingerprint == certificate.fingerprint.description
            else { continue }
            found.append(address)
        }
        return found
    }

    /// Adds to `change` what removes `address` from the key it is bound to now, unless that is `fingerprint`.
    func unbind(_ address: String, from fingerprint: String, into change: inout KeyServerChange) async throws {
        guard let current = try await store.publishedAddress(address), current.fingerprint != fingerprint,
              let other = try await store.publishedKey(fingerprint: current.fingerprint)
        else { return }
        let remaining = Set(try await store.publishedAddresses(fingerprint: other.fingerprint).map(\.address)).subtracting([address])
        let (published, _) = publication(of: try certificate(other), verified: remaining)
        change.keys.append((publishedRecord(published, previous: other), other.version))
    }
}
