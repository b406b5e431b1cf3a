public import struct Foundation.Date
import OpenPGP
public import VKS
public import WKD

/// Finds the key of an address in the order Stockade trusts: the address's own domain by Web Key Directory
/// (draft-koch-openpgp-webkey-service-22) first; the key server by verified address (keys.openpgp.org VKS API v1) only
/// when WKD has none. Whichever source found the key, it is then refreshed by fingerprint from the key server and
/// merged (RFC 9580 §10.1), which brings revocations and updates only the key server knows. Time is injected.
public struct KeyLookup: Sendable {
    private let wkd: WKDClient
    private let keyServer: VKSClient

    public init(wkd: WKDClient, keyServer: VKSClient) {
        self.wkd = wkd
        self.keyServer = keyServer
    }

    /// Looks `address` up, judging validity at `time`.
    /// - Throws: ``KeyLookupError/notFound(_:wkd:vks:)`` when neither source has a key, with both reasons.
    public func lookup(_ address: WKDAddress, at time: Date) async throws(KeyLookupError) -> KeyLookupResult {
        var wkdReason: String?
        var vksReason: String?
        var found: (Certificate, KeyLookupResult.Source)?
        do {
            let result = try await wkd.fetch(address, at: time)
            found = (Self.preferred(result.certificates, at: time), .wkd)
        } catch {
            wkdReason = error.reason
        }
        if found == nil {
            do {
                let certificates = try await keyServer.certificates(email: address.description)
                if certificates.isEmpty {
                    vksReason = "no key published for \(address)"
                } else {
                    found = (Self.preferred(certificates, at: time), .vks)
                }
            } catch {
                vksReason = error.reason
            }
        }
        guard let found else { throw .notFound(address.description, wkd: wkdReason ?? "", vks: vksReason ?? "") }
        let (certificate, source) = found
        let (refreshed, refresh) = await self.refresh(certificate)
        return KeyLookupResult(address: address.description, certificate: refreshed, source: source,
                               status: Self.status(of: refreshed, at: time), refresh: refresh, wkdReason: wkdReason, vksReason: vksReason)
    }

    /// The key merged with the key server's copies by fingerprint, and whether they changed it.
    private func refresh(_ certificate: Certificate) async -> (Certificate, KeyLookupResult.Refresh) {
        do {
            let copies = try await keyServer.certificates(fingerprint: certificate.fingerprint.description)
            guard !copies.isEmpty else { return (certificate, .notOnKeyServer) }
            let merged = try copies.reduce(certificate) { try $0.merged(with: $1) }
            let before = try certificate.merged(with: certificate)  // the same canonical order as `merged`
            return (merged, merged == before ? .unchanged : .changed)
        } catch {
            return (certificate, .failed(reason: "\(error)"))
        }
    }

    /// The first certificate valid at `time`, else the first (a domain may list revoked earlier keys after the key).
    static func preferred(_ certificates: [Certificate], at time: Date) -> Certificate {
        certificates.first { $0.status(at: time).validity.isValid } ?? certificates[0]
    }

    static func status(of certificate: Certificate, at time: Date) -> KeyLookupResult.Status {
        switch certificate.status(at: time).validity {
        case .valid: .valid
        case .revoked: .revoked
        case .expired: .expired
        case .invalid: .invalid
        }
    }
}
