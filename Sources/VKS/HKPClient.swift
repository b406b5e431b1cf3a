public import HTTPFetch
public import OpenPGP

/// A client of HKP lookups (draft-shaw-openpgp-hkp-00 §3): `GET /pks/lookup` with `op=get` or `op=index` and
/// `options=mr` (machine-readable output, §3.2.1), by fingerprint, long key ID or exact address.
///
/// Transport and limits as ``VKSClient``; a 404 is an empty answer.
public struct HKPClient: Sendable {
    private let endpoint: KeyServerEndpoint

    /// A client of the HKP server at `baseURL` (an `https` URL; `hkps://host` is `https://host`).
    /// - Throws: ``VKSClientError/invalidBaseURL(_:)`` unless it is an `https` URL.
    public init(baseURL: String, fetcher: HTTPFetcher) throws(VKSClientError) {
        endpoint = try KeyServerEndpoint(baseURL: baseURL, fetcher: fetcher)
    }

    /// `op=get` (§3.1.2.1): the certificates answering `search`.
    public func get(_ search: HKPSearch) async throws(VKSClientError) -> [Certificate] {
        try await endpoint.certificates(path("get", search)).filter(search.matches)
    }

    /// `op=index` (§3.1.2.2), read as the machine-readable index of §5.2.
    public func index(_ search: HKPSearch) async throws(VKSClientError) -> [HKPIndexEntry] {
        guard let response = try await endpoint.get(path("index", search)) else { return [] }
        return HKPIndex.parse(String(decoding: response.body, as: UTF8.self))
    }

    private func path(_ op: String, _ search: HKPSearch) -> String {
        let text = switch search {
        case .fingerprint(let hex), .keyID(let hex): "0x" + hex
        case .email(let address): address
        }
        return "/pks/lookup?op=\(op)&options=mr&search=\(KeyServerEndpoint.escaped(text))"
    }
}
