public import HTTPFetch
public import OpenPGP

/// A client of the keys.openpgp.org VKS API v1 (https://keys.openpgp.org/about/api), as Stockade's own key server
/// also speaks it: lookups by fingerprint, key ID and address, upload, and verification requests.
///
/// Requests go through an ``HTTPFetcher`` (names resolved by Stockade's resolver, certificates checked for the exact
/// host, at most 3 redirects and only to https, 8 MiB and 30 s per request). Lookups keep only the certificates that
/// answer the question (``HKPSearch/matches(_:)``) and return an empty list on 404.
public struct VKSClient: Sendable {
    private let endpoint: KeyServerEndpoint

    /// A client of the key server at `baseURL`, such as `https://keys.openpgp.org`.
    /// - Throws: ``VKSClientError/invalidBaseURL(_:)`` unless it is an `https` URL.
    public init(baseURL: String, fetcher: HTTPFetcher) throws(VKSClientError) {
        endpoint = try KeyServerEndpoint(baseURL: baseURL, fetcher: fetcher)
    }

    /// `GET /vks/v1/by-fingerprint/<FPR>`: the certificate with this fingerprint (40 or 64 hex digits, `0x` allowed).
    public func certificates(fingerprint: String) async throws(VKSClientError) -> [Certificate] {
        guard case .fingerprint(let hex)? = HKPSearch(fingerprint) else { throw .invalidQuery(fingerprint) }
        return try await lookup(.fingerprint(hex), path: "/vks/v1/by-fingerprint/\(hex)")
    }

    /// `GET /vks/v1/by-keyid/<KEYID>`: the certificates whose primary key or a subkey has this 16-digit key ID.
    public func certificates(keyID: String) async throws(VKSClientError) -> [Certificate] {
        guard case .keyID(let hex)? = HKPSearch(keyID) else { throw .invalidQuery(keyID) }
        return try await lookup(.keyID(hex), path: "/vks/v1/by-keyid/\(hex)")
    }

    /// `GET /vks/v1/by-email/<ADDRESS>`: the certificate published for this (verified) address.
    public func certificates(email: String) async throws(VKSClientError) -> [Certificate] {
        guard case .email(let address)? = HKPSearch(email) else { throw .invalidQuery(email) }
        return try await lookup(.email(address), path: "/vks/v1/by-email/\(KeyServerEndpoint.escaped(address))")
    }

    /// The certificates answering `search`, asked by the matching `by-…` endpoint.
    public func certificates(_ search: HKPSearch) async throws(VKSClientError) -> [Certificate] {
        switch search {
        case .fingerprint(let hex): return try await certificates(fingerprint: hex)
        case .keyID(let hex): return try await certificates(keyID: hex)
        case .email(let address): return try await certificates(email: address)
        }
    }

    /// `POST /vks/v1/upload` with `{"keytext": …}`: the key's fingerprint, each address's state, and the token for
    /// ``requestVerify(token:addresses:)``.
    public func upload(_ armored: String) async throws(VKSClientError) -> VKSUploadResponse {
        try await endpoint.post("/vks/v1/upload", json: VKSUploadRequest(keytext: armored), answer: VKSUploadResponse.self)
    }

    /// `POST /vks/v1/request-verify`: asks the server to mail a verification link to each address.
    public func requestVerify(token: String, addresses: [String]) async throws(VKSClientError) -> VKSUploadResponse {
        try await endpoint.post("/vks/v1/request-verify", json: VKSVerifyRequest(token: token, addresses: addresses),
                                answer: VKSUploadResponse.self)
    }

    private func lookup(_ search: HKPSearch, path: String) async throws(VKSClientError) -> [Certificate] {
        try await endpoint.certificates(path).filter(search.matches)
    }
}
