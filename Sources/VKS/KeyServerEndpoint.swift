import Foundation
import HTTPFetch
import OpenPGP

/// The transport both clients share: a key server's base URL, requests through an ``HTTPFetcher`` with one policy,
/// and the mapping of refusals to ``VKSClientError`` (with the `{"error": …}` text of keys.openpgp.org API v1).
struct KeyServerEndpoint: Sendable {
    /// The largest response accepted: several 1 MiB keys, armored.
    static let maximumResponseSize = 8 << 20
    /// The limit for one request, redirects included.
    static let timeout = Duration.seconds(30)
    /// The most redirects followed, to `https` only.
    static let maximumRedirects = 3

    let baseURL: String
    let fetcher: HTTPFetcher

    /// - Throws: ``VKSClientError/invalidBaseURL(_:)`` unless `baseURL` is `https://host[:port][/path]`.
    init(baseURL: String, fetcher: HTTPFetcher) throws(VKSClientError) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard base.lowercased().hasPrefix("https://"), base.count > 8, !base.contains("?"), !base.contains("#"),
              base.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value != 0x7F })
        else { throw .invalidBaseURL(baseURL) }
        self.baseURL = base
        self.fetcher = fetcher
    }

    func policy(accept: String?) -> FetchPolicy {
        FetchPolicy(maximumBodySize: Self.maximumResponseSize, timeout: Self.timeout,
                    redirects: .httpsOnly(maximum: Self.maximumRedirects), requiredContentType: accept)
    }

    /// GET `path`; nil on 404.
    func get(_ path: String) async throws(VKSClientError) -> FetchResponse? {
        let url = baseURL + path
        do {
            return try await fetcher.get(url, policy: policy(accept: nil))
        } catch {
            if error.statusCode == 404 { return nil }
            throw Self.mapped(error, url: url)
        }
    }

    /// GET `path` and read the certificates in the answer (armored or binary); empty on 404.
    func certificates(_ path: String) async throws(VKSClientError) -> [Certificate] {
        guard let response = try await get(path) else { return [] }
        do {
            return try Certificate.readAll(response.body)
        } catch {
            throw .malformedResponse(baseURL + path, "not OpenPGP certificates: \(error)")
        }
    }

    /// POST `body` as JSON to `path` and decode the JSON answer.
    func post<Answer: Decodable>(_ path: String, json body: some Encodable, answer: Answer.Type) async throws(VKSClientError) -> Answer {
        let url = baseURL + path
        let bytes: [UInt8]
        do {
            bytes = Array(try JSONEncoder().encode(body))
        } catch {
            throw .malformedResponse(url, "cannot encode the request: \(error)")
        }
        let response: FetchResponse
        do {
            response = try await fetcher.post(url, body: bytes, contentType: "application/json", policy: policy(accept: "application/json"))
        } catch {
            throw Self.mapped(error, url: url)
        }
        do {
            return try JSONDecoder().decode(Answer.self, from: Data(response.body))
        } catch {
            throw .malformedResponse(url, "not the expected JSON: \(error)")
        }
    }

    /// A refusal with the server's `{"error": …}` text when it sent one; any other failure as `fetchFailed`.
    static func mapped(_ error: HTTPFetchError, url: String) -> VKSClientError {
        guard let status = error.statusCode else { return .fetchFailed(url, error.reason) }
        let message = try? JSONDecoder().decode(VKSErrorResponse.self, from: Data(error.responseBody)).error
        return .refused(status, url, message: message)
    }

    /// Percent-encodes everything but RFC 3986 §2.3 unreserved characters, for a path segment or a query value.
    static func escaped(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let unreserved = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || Array("-._~".utf8).contains(byte)
            if unreserved {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
