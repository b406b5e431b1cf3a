public import DNS
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// HTTPS GET (and POST, for APIs such as VKS) with the strict rules MTA-STS (RFC 8461 §3.3) and WKD (draft-koch-openpgp-webkey-service §3.1) need.
///
/// - `https` only; the host is resolved through Stockade's own ``Resolver`` (A, then AAAA, CNAMEs followed), never
///   through the system's resolver, and each address is tried in turn until one accepts a TCP connection.
/// - TLS 1.2 or newer, SNI = the host, certificate chain checked against the trust roots and its name against the
///   exact host (RFC 9110 §4.3.4, RFC 6125), by NIOSSL/BoringSSL.
/// - HTTP/1.1 GET or POST (RFC 9112) with `Host`, `Accept`, `User-Agent: Stockade/0.1` and `Connection: close` (a POST
///   also with `Content-Type` and `Content-Length`); one request per connection, no caching. The response is parsed by NIOHTTP1 (`Content-Length`, chunked, or read to close).
/// - The body cap is enforced while reading; one timeout covers the whole fetch, redirects included.
/// - Only 200 is a success; redirects follow the ``FetchPolicy/RedirectPolicy``.
public struct HTTPFetcher: Sendable {
    /// The `User-Agent` sent with every request.
    public static let userAgent = "Stockade/0.1"
    /// The largest POST body sent (a 1 MiB key, armored and JSON-escaped, fits).
    public static let maximumRequestBodySize = 4 << 20

    private let resolver: DNS.Resolver<ContinuousClock>
    private let sslContext: NIOSSLContext
    private let group: any EventLoopGroup
    private let logger: Logger

    /// A fetcher resolving through `resolver` and trusting `trustRoots`.
    /// - Throws: ``HTTPFetchError/invalidTrustRoots(_:)`` when a PEM file cannot be read or holds no certificate.
    public init(resolver: DNS.Resolver<ContinuousClock>, trustRoots: TrustRoots,
                logger: Logger = Logger(label: "stockade.httpfetch", factory: { _ in SwiftLogNoOpLogHandler() })) throws(HTTPFetchError) {
        self.resolver = resolver
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup.singleton
        var certificates: [NIOSSLCertificate] = []
        for path in trustRoots.pemFiles {
            do {
                let loaded = try NIOSSLCertificate.fromPEMFile(path)
                guard !loaded.isEmpty else { throw HTTPFetchError.invalidTrustRoots("\(path) holds no certificate") }
                certificates += loaded
            } catch let error as HTTPFetchError {
                throw error
            } catch {
                throw .invalidTrustRoots("cannot read \(path): \(error)")
            }
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        switch trustRoots.base {
        case .system:
            configuration.trustRoots = .default
            configuration.additionalTrustRoots = certificates.isEmpty ? [] : [.certificates(certificates)]
        case .none:
            guard !certificates.isEmpty else { throw .invalidTrustRoots("no trust roots given") }
            configuration.trustRoots = .certificates(certificates)
        }
        do {
            self.sslContext = try NIOSSLContext(configuration: configuration)
        } catch {
            throw .invalidTrustRoots("\(error)")
        }
    }

    /// Fetches `url` and returns the 200 response.
    /// - Throws: ``HTTPFetchError``: `.invalidURL`, `.resolution`, `.connection`, `.tls`, `.timeout`, `.status` (any
    ///   final status but 200, with ``HTTPFetchError/statusCode``), `.redirect`, `.bodyTooLarge`, `.contentType`,
    ///   `.malformedResponse`, `.cancelled`.
    public func get(_ url: String, policy: FetchPolicy) async throws(HTTPFetchError) -> FetchResponse {
        try await send(.get, to: url, policy: policy)
    }

    /// Posts `body` as `contentType` (a media type such as `application/json`, RFC 9110 §8.3) to `url` and returns the
    /// 200 response, with every rule of ``get(_:policy:)``. A redirect the policy allows is followed with the same POST
    /// for 307 and 308 and with a GET for 301, 302 and 303 (RFC 9110 §15.4).
    /// - Throws: ``HTTPFetchError/invalidRequest(_:)`` for a body over ``maximumRequestBodySize`` or a malformed content
    ///   type; otherwise as ``get(_:policy:)``, a refusal's body in ``HTTPFetchError/responseBody``.
    public func post(_ url: String, body: [UInt8], contentType: String, policy: FetchPolicy) async throws(HTTPFetchError) -> FetchResponse {
        guard body.count <= Self.maximumRequestBodySize else {
            throw .invalidRequest("a body of \(body.count) bytes exceeds \(Self.maximumRequestBodySize)")
        }
        guard Self.isMediaType(contentType) else { throw .invalidRequest("not a media type: \(contentType)") }
        return try await send(FetchRequest(method: .POST, body: body, contentType: contentType), to: url, policy: policy)
    }

    /// `type/subtype` tokens (RFC 9110 §8.3.1, §5.6.2), parameters after `;`, and no control characters (no CR or LF
    /// can reach the header block).
    static func isMediaType(_ value: String) -> Bool {
        guard value.unicodeScalars.allSatisfy({ $0.isASCII && ($0.value >= 0x20 || $0 == "\t") && $0.value != 0x7F }) else { return false }
        let type = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0].trimmingBlanks()
        let parts = type.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isLetter || $0.isNumber || "!#$%&'*+-.^_`|~".contains($0) }
        }
    }

    private func send(_ request: FetchRequest, to url: String, policy: FetchPolicy) async throws(HTTPFetchError) -> FetchResponse {
        let start = try HTTPSURL(url)
        let deadline = NIODeadline.now() + TimeAmount(policy.timeout)
        return try await withDeadline(deadline, url: url) { () async throws(HTTPFetchError) -> FetchResponse in
            try await self.follow(start, request: request, policy: policy, deadline: deadline)
        }
    }

    /// The redirect loop (RFC 9110 §15.4).
    private func follow(_ start: HTTPSURL, request first: FetchRequest, policy: FetchPolicy, deadline: NIODeadline)
        async throws(HTTPFetchError) -> FetchResponse {
        var current = start
        var request = first
        var redirects = 0
        while true {
            let (raw, address, dnssec) = try await fetchOnce(current, request: request, policy: policy, deadline: deadline)
            switch raw.status {
            case 200:
                let response = FetchResponse(status: raw.status, headers: raw.headers, body: raw.body, finalURL: current.description,
                                             address: address, dnssec: dnssec)
                if let required = policy.requiredContentType {
                    let wanted = FetchResponse.mediaType(of: required)
                    let found = response.mediaType ?? ""
                    guard found == wanted else { throw .contentType(found.isEmpty ? "(none)" : found, expected: wanted) }
                }
                return response
            case 301, 302, 303, 307, 308:
                let location = raw.headers.first { $0.name.lowercased() == "location" }?.value
                guard let location else { throw .malformedResponse("\(raw.status) without Location from \(current)") }
                let (scheme, next) = current.resolving(location)
                guard case .httpsOnly(let maximum) = policy.redirects else {
                    throw .redirect("\(raw.status) from \(current) to \(next); the policy follows none")
                }
                guard scheme == "https" else { throw .redirect("\(raw.status) from \(current) to a non-https URL \(next)") }
                redirects += 1
                guard redirects <= maximum else { throw .redirect("more than \(maximum) redirects, the last to \(next)") }
                do {
                    current = try HTTPSURL(next)
                } catch {
                    throw .redirect("\(raw.status) from \(current) to an unusable URL \(next)")
                }
                request = request.redirected(by: raw.status)
                logger.debug("following redirect", metadata: ["status": "\(raw.status)", "location": "\(next)"])
            default:
                throw .status(raw.status, current.description, body: raw.body)
            }
        }
    }

    /// One request: resolve, then try each address until one connects, then TLS and the exchange.
    private func fetchOnce(_ url: HTTPSURL, request: FetchRequest, policy: FetchPolicy, deadline: NIODeadline)
        async throws(HTTPFetchError) -> (RawResponse, String, DNSSECStatus) {
        let port = url.port(default: policy.port)
        let (addresses, dnssec) = try await resolve(url.host, port: port)
        var lastError = HTTPFetchError.connection(url.host, "no address")
        for address in addresses {
            let description = address.ipAddress ?? "\(address)"
            logger.debug("connecting", metadata: ["host": "\(url.host)", "address": "\(description)", "port": "\(port)"])
            let promise = group.next().makePromise(of: RawResponse.self)
            do {
                try await connect(url, request: request, to: address, port: port, policy: policy, deadline: deadline, promise: promise)
            } catch {
                promise.fail(error)
                if case .timeout = error.kind { throw error }
                lastError = error
                logger.debug("connection failed", metadata: ["address": "\(description)", "error": "\(error)"])
                continue
            }
            do {
                return (try await promise.futureResult.get(), description, dnssec)
            } catch {
                throw ResponseStateMachine.classify(error, host: url.host)
            }
        }
        throw lastError
    }

    private func connect(_ url: HTTPSURL, request: FetchRequest, to address: SocketAddress, port: Int, policy: FetchPolicy, deadline: NIODeadline,
                         promise: EventLoopPromise<RawResponse>) async throws(HTTPFetchError) {
        let remaining = deadline - .now()
        guard remaining > .zero else { throw .timeout(url.description) }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: port == 443 ? url.host : "\(url.host):\(port)")
        headers.add(name: "Accept", value: policy.requiredContentType ?? "*/*")
        headers.add(name: "User-Agent", value: Self.userAgent)
        headers.add(name: "Connection", value: "close")
        if let contentType = request.contentType {
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "Content-Length", value: String(request.body.count))
        }
        let head = HTTPRequestHead(version: .http1_1, method: request.method, uri: url.target, headers: headers)
        let body = request.body
        let machine = ResponseStateMachine(maximumBodySize: policy.maximumBodySize, host: url.host, url: url.description)
        let host = url.host
        let context = sslContext
        let bootstrap = ClientBootstrap(group: promise.futureResult.eventLoop)
            .connectTimeout(remaining)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(NIOSSLClientHandler(context: context, serverHostname: host))
                    try operations.addHTTPClientHandlers()
                    try operations.addHandler(FetchHandler(request: head, body: body, machine: machine, deadline: deadline, promise: promise))
                }
            }
        do {
            _ = try await bootstrap.connect(to: address).get()
        } catch {
            if NIODeadline.now() >= deadline { throw .timeout(url.description) }
            throw .connection(host, "\(address.ipAddress ?? "\(address)") port \(port): \(error)")
        }
    }

    /// The host's addresses, A first, then AAAA, with the weaker DNSSEC status of the answers used.
    private func resolve(_ host: String, port: Int) async throws(HTTPFetchError) -> ([SocketAddress], DNSSECStatus) {
        async let v4 = lookup(host, .a)
        async let v6 = lookup(host, .aaaa)
        let answers = await [v4, v6]
        var addresses: [SocketAddress] = []
        var problems: [String] = []
        var status: DNSSECStatus?
        for result in answers {
            switch result {
            case .failure(let error):
                problems.append(error.reason)
            case .success(let answer):
                if answer.isNXDomain {
                    throw .resolution(host, "NXDOMAIN (\(answer.dnssec))")
                }
                if answer.responseCode != .noError {
                    problems.append("\(answer.question.type) \(answer.responseCode) (\(answer.dnssec))")
                    continue
                }
                var used = false
                for record in answer.rrset {
                    if let address = record.socketAddress(port: port) {
                        addresses.append(address)
                        used = true
                    }
                }
                if used { status = Self.weaker(status, answer.dnssec) }
            }
        }
        guard let status, !addresses.isEmpty else {
            throw .resolution(host, problems.isEmpty ? "no A or AAAA records" : problems.joined(separator: "; "))
        }
        return (addresses, status)
    }

    private func lookup(_ host: String, _ type: RecordType) async -> Result<Answer, DNSError> {
        do {
            return .success(try await resolver.resolve(host, type))
        } catch {
            return .failure(error)
        }
    }

    private static func weaker(_ a: DNSSECStatus?, _ b: DNSSECStatus) -> DNSSECStatus {
        guard let a else { return b }
        func rank(_ s: DNSSECStatus) -> Int {
            switch s {
            case .bogus: 0
            case .indeterminate: 1
            case .insecure: 2
            case .secure: 3
            }
        }
        return rank(b) < rank(a) ? b : a
    }
}

extension HTTPFetchError {
    /// A coarse view of the code for control flow inside the library.
    enum Kind { case timeout, other }
    var kind: Kind { self == .timeout("") ? .timeout : .other }
}
