public import DNS
public import HTTPFetch
public import OpenPGP
public import struct Foundation.Date

/// What a Web Key Directory lookup found (draft-koch-openpgp-webkey-service-22 §3.1).
public struct WKDResult: Sendable, Hashable {
    /// The method that was asked (there is no fallback from advanced to direct).
    public var method: WKDMethod
    /// The URL asked.
    public var url: String
    /// The URL that answered, after redirects.
    public var finalURL: String
    /// Every certificate in the response with a valid user ID for the address, each minimized to that user ID.
    public var certificates: [Certificate]
    /// The response body as received (binary or armored).
    public var rawBytes: [UInt8]

    public init(method: WKDMethod, url: String, finalURL: String, certificates: [Certificate], rawBytes: [UInt8]) {
        self.method = method
        self.url = url
        self.finalURL = finalURL
        self.certificates = certificates
        self.rawBytes = rawBytes
    }
}

/// Looks a key up in a Web Key Directory the way GnuPG does (draft-koch-openpgp-webkey-service-22 §3.1).
///
/// The advanced method is used when `openpgpkey.<domain>` has an address (A or AAAA, through Stockade's resolver),
/// the direct method otherwise; an HTTP error on the advanced host is final (no fallback to direct, as GnuPG).
/// Redirects are followed to `https` URLs only, at most ``maximumRedirects``; the body may be at most
/// ``maximumBodySize`` bytes; the whole fetch must end within ``timeout``.
public struct WKDClient: Sendable {
    /// The largest key response accepted.
    public static let maximumBodySize = 256 * 1024
    /// The most redirects followed.
    public static let maximumRedirects = 3
    /// The limit for one lookup (resolution, connection, TLS, response, redirects).
    public static let timeout = Duration.seconds(10)

    private let fetcher: HTTPFetcher
    private let resolver: DNS.Resolver<ContinuousClock>
    private let port: Int

    /// A client fetching with `fetcher` and choosing the method with `resolver`.
    /// - Parameter port: the HTTPS port (443; tests against a lab on another port set it).
    public init(fetcher: HTTPFetcher, resolver: DNS.Resolver<ContinuousClock>, port: Int = 443) {
        self.fetcher = fetcher
        self.resolver = resolver
        self.port = port
    }

    /// The method GnuPG would use for `address`: advanced when `openpgpkey.<domain>` resolves to an address (§3.1).
    public func method(for address: WKDAddress) async -> WKDMethod {
        let host = address.host(.advanced)
        async let v4 = hasAddress(host, .a)
        async let v6 = hasAddress(host, .aaaa)
        let found = await [v4, v6]
        return found.contains(true) ? .advanced : .direct
    }

    /// Fetches the key for `address` and keeps the certificates with a valid user ID for it at `time`, minimized.
    /// - Throws: ``WKDError/notFound(_:)`` on 404; ``WKDError/fetchFailed(_:_:)`` on any other DNS, TLS, HTTP, size or
    ///   redirect failure; ``WKDError/noUsableKey(_:)`` when the body holds no certificate with a valid user ID
    ///   for the address (including a body that is not OpenPGP data).
    public func fetch(_ address: WKDAddress, at time: Date = Date()) async throws(WKDError) -> WKDResult {
        let method = await method(for: address)
        let url = address.url(method)
        let policy = FetchPolicy(maximumBodySize: Self.maximumBodySize, timeout: Self.timeout,
                                 redirects: .httpsOnly(maximum: Self.maximumRedirects), port: port)
        let response: FetchResponse
        do {
            response = try await fetcher.get(url, policy: policy)
        } catch {
            if error.statusCode == 404 { throw .notFound(url) }
            throw .fetchFailed(url, error.reason)
        }
        let certificates = try Self.usableCertificates(in: response.body, for: address, at: time)
        return WKDResult(method: method, url: url, finalURL: response.finalURL, certificates: certificates, rawBytes: response.body)
    }

    /// The certificates in `bytes` (binary or armored) with a valid user ID for `address` at `time`, each minimized
    /// to that address (§3.1: the key "MUST" carry a user ID with the address; other user IDs are not published).
    public static func usableCertificates(in bytes: [UInt8], for address: WKDAddress, at time: Date) throws(WKDError) -> [Certificate] {
        let all: [Certificate]
        do {
            all = try Certificate.readAll(bytes)
        } catch {
            throw .noUsableKey(address.description, "the response is not an OpenPGP certificate: \(error)")
        }
        let wanted = WKDAddress.asciiLowercased(address.description)
        var usable: [Certificate] = []
        for certificate in all {
            let status = certificate.status(at: time)
            let matches = status.userIDs.contains { $0.validity.isValid && $0.address?.wkdComparable == wanted }
            guard matches, let minimized = try? certificate.minimized(for: address.description, at: time) else { continue }
            usable.append(minimized)
        }
        guard !usable.isEmpty else { throw .noUsableKey(address.description) }
        return usable
    }

    private func hasAddress(_ host: String, _ type: RecordType) async -> Bool {
        guard let answer = try? await resolver.resolve(host, type) else { return false }
        return answer.responseCode == .noError && !answer.rrset.isEmpty
    }
}
