import DNS
import Foundation
import HTTPFetch
import Testing

/// HTTPFetcher against the lab's HTTPS server (lab/lib/https.sh) and certificates (lab/lib/ca.sh), trusting only
/// the lab CA. Host names and what each serves: lab/README.md, "HTTPS hosts".
@Suite("HTTPFetcher (lab)")
struct HTTPFetcherTests {
    @Test func okReturnsTheExactFileBytes() async throws {
        let response = try await Lab.fetcher().get("https://good.web.test/hello.txt", policy: try Lab.policy())
        let file = try Data(contentsOf: try Lab.committedRoot().appendingPathComponent("good.web.test/hello.txt"))
        #expect(response.status == 200)
        #expect(response.body == Array(file))
        #expect(response.address == "127.0.8.1")
        #expect(response.dnssec == .secure)
        #expect(response.mediaType == "text/plain")
        #expect(response.header("content-length") == "\(file.count)")
        #expect(response.finalURL == "https://good.web.test/hello.txt")
    }

    @Test func requiredContentTypeIsComparedWithoutCaseOrParameters() async throws {
        let fetcher = try Lab.fetcher()
        let plain = try await fetcher.get("https://good.web.test/hello.txt", policy: try Lab.policy(requiredContentType: "TEXT/Plain"))
        #expect(plain.status == 200)
        let withCharset = try await fetcher.get("https://good.web.test/content-type?type=Text/Plain;%20charset=utf-8",
                                                policy: try Lab.policy(requiredContentType: "text/plain"))
        #expect(withCharset.body == Array("typed\n".utf8))
    }

    @Test func contentTypeMismatchIsRefused() async throws {
        let fetcher = try Lab.fetcher()
        await #expect(throws: HTTPFetchError.contentType("", expected: "")) {
            try await fetcher.get("https://good.web.test/page.html", policy: try Lab.policy(requiredContentType: "text/plain"))
        }
        await #expect(throws: HTTPFetchError.contentType("", expected: "")) {
            try await fetcher.get("https://good.web.test/content-type?type=text/plainx", policy: try Lab.policy(requiredContentType: "text/plain"))
        }
    }

    @Test func redirectToHTTPIsRefusedEvenWhenRedirectsAreAllowed() async throws {
        await #expect(throws: HTTPFetchError.redirect("")) {
            try await Lab.fetcher().get("https://good.web.test/redirect-http", policy: try Lab.policy(redirects: .httpsOnly(maximum: 3)))
        }
    }

    @Test func httpsRedirectIsFollowedWhenAllowed() async throws {
        let fetcher = try Lab.fetcher()
        let suffix = try Lab.portSuffix()
        let absolute = try await fetcher.get("https://good.web.test/redirect-https", policy: try Lab.policy(redirects: .httpsOnly(maximum: 1)))
        #expect(absolute.finalURL == "https://good.web.test\(suffix)/hello.txt")
        #expect(String(decoding: absolute.body, as: UTF8.self).hasPrefix("Hello from good.web.test"))
        let relative = try await fetcher.get("https://good.web.test/redirect-relative", policy: try Lab.policy(redirects: .httpsOnly(maximum: 1)))
        #expect(relative.finalURL == "https://good.web.test/hello.txt")
    }

    @Test func httpsRedirectIsRefusedWhenNotAllowed() async throws {
        await #expect(throws: HTTPFetchError.redirect("")) {
            try await Lab.fetcher().get("https://good.web.test/redirect-https", policy: try Lab.policy(redirects: .none))
        }
    }

    @Test func redirectsStopAtTheMaximum() async throws {
        await #expect(throws: HTTPFetchError.redirect("")) {
            try await Lab.fetcher().get("https://good.web.test/redirect-loop", policy: try Lab.policy(redirects: .httpsOnly(maximum: 3)))
        }
    }

    @Test func redirectToAnotherHostResolvesItAgain() async throws {
        let target = "https://alias.web.test\(try Lab.portSuffix())/hello.txt"
        let url = "https://good.web.test/redirect?code=307&to=\(target.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        let response = try await Lab.fetcher().get(url, policy: try Lab.policy(redirects: .httpsOnly(maximum: 1)))
        #expect(response.finalURL == target)
        #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("Hello from alias.web.test"))
    }

    @Test(arguments: ["wronghost.web.test", "selfsigned.web.test", "expired.web.test"])
    func badCertificateFailsTLS(host: String) async throws {
        await #expect(throws: HTTPFetchError.tls("", "")) {
            try await Lab.fetcher().get("https://\(host)/hello.txt", policy: try Lab.policy())
        }
    }

    @Test func labCertificateIsNotTrustedBySystemRootsAlone() async throws {
        let fetcher = try HTTPFetcher(resolver: try Lab.resolver(), trustRoots: .system)
        await #expect(throws: HTTPFetchError.tls("", "")) {
            try await fetcher.get("https://good.web.test/hello.txt", policy: try Lab.policy())
        }
        let plus = try HTTPFetcher(resolver: try Lab.resolver(), trustRoots: .systemPlus(pemFiles: [try Lab.caFile()]))
        #expect(try await plus.get("https://good.web.test/hello.txt", policy: try Lab.policy()).status == 200)
    }

    @Test(arguments: [404, 500])
    func otherStatusesFail(code: Int) async throws {
        let fetcher = try Lab.fetcher()
        let policy = try Lab.policy()
        do {
            _ = try await fetcher.get("https://good.web.test/status/\(code)", policy: policy)
            Issue.record("status \(code) was accepted")
        } catch {
            #expect(error == .status(0, ""))
            #expect(error.statusCode == code)
        }
    }

    @Test func postSendsTheMethodAndKeepsTheRefusalsBody() async throws {
        // The lab server answers only GET and HEAD: Python's http.server refuses a POST with 501 and an explanation.
        let fetcher = try Lab.fetcher()
        let policy = try Lab.policy()
        do {
            _ = try await fetcher.post("https://good.web.test/hello.txt", body: Array("{}".utf8), contentType: "application/json",
                                       policy: policy)
            Issue.record("the POST was accepted")
        } catch {
            #expect(error.statusCode == 501)
            #expect(String(decoding: error.responseBody, as: UTF8.self).contains("Unsupported method ('POST')"))
        }
    }

    @Test func missingFileIs404() async throws {
        let fetcher = try Lab.fetcher()
        let policy = try Lab.policy()
        do {
            _ = try await fetcher.get("https://good.web.test/no/such/file.txt", policy: policy)
            Issue.record("a missing file was accepted")
        } catch {
            #expect(error.statusCode == 404)
        }
    }

    @Test func announcedBodyOverTheCapFails() async throws {
        await #expect(throws: HTTPFetchError.bodyTooLarge(0)) {
            try await Lab.fetcher().get("https://good.web.test/big", policy: try Lab.policy(maximumBodySize: 64 * 1024))
        }
    }

    @Test func unannouncedBodyOverTheCapFailsWhileStreaming() async throws {
        await #expect(throws: HTTPFetchError.bodyTooLarge(0)) {
            try await Lab.fetcher().get("https://good.web.test/big-unannounced", policy: try Lab.policy(maximumBodySize: 64 * 1024))
        }
    }

    @Test func bodyUpToTheCapIsRead() async throws {
        let fetcher = try Lab.fetcher()
        let big = try await fetcher.get("https://good.web.test/big", policy: try Lab.policy(maximumBodySize: 2 * 1024 * 1024))
        #expect(big.body.count == 2 * 1024 * 1024)
        #expect(big.body.allSatisfy { $0 == UInt8(ascii: "x") })
        let unannounced = try await fetcher.get("https://good.web.test/big-unannounced", policy: try Lab.policy(maximumBodySize: 4 << 20))
        #expect(unannounced.body.count == 2 * 1024 * 1024)
    }

    @Test func chunkedBodyIsDecoded() async throws {
        let response = try await Lab.fetcher().get("https://good.web.test/chunked", policy: try Lab.policy())
        #expect(response.body == Array("hello in chunks\n".utf8))
    }

    @Test func slowServerTimesOutOnTime() async throws {
        let start = ContinuousClock.now
        await #expect(throws: HTTPFetchError.timeout("")) {
            try await Lab.fetcher().get("https://good.web.test/slow", policy: try Lab.policy(timeout: .seconds(1)))
        }
        // The server answers after 30 s: failing well before that shows the timeout, not the server, ended the fetch.
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(900))
        #expect(elapsed < .seconds(20))
    }

    @Test func nxdomainFailsResolution() async throws {
        await #expect(throws: HTTPFetchError.resolution("", "")) {
            try await Lab.fetcher().get("https://does-not-exist.web.test/hello.txt", policy: try Lab.policy())
        }
    }

    @Test func bogusAnswerFailsResolution() async throws {
        await #expect(throws: HTTPFetchError.resolution("", "")) {
            try await Lab.fetcher().get("https://www.bogus.test/", policy: try Lab.policy())
        }
    }

    @Test func nothingListeningFailsConnection() async throws {
        await #expect(throws: HTTPFetchError.connection("", "")) {
            try await Lab.fetcher().get("https://closed.web.test/hello.txt", policy: try Lab.policy())
        }
    }

    @Test func eachAddressIsTriedInTurn() async throws {
        // dual.web.test has A 127.0.8.9 (nothing listens) and A 127.0.8.1, in whatever order unbound gives them
        let response = try await Lab.fetcher().get("https://dual.web.test/hello.txt", policy: try Lab.policy())
        #expect(response.address == "127.0.8.1")
        #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("Hello from dual.web.test"))
    }

    @Test func cnameIsFollowedAndTheCertificateCheckedAgainstTheAskedName() async throws {
        // alias.web.test CNAME good.web.test; the server presents alias.web.test's certificate for that SNI name
        let response = try await Lab.fetcher().get("https://alias.web.test/hello.txt", policy: try Lab.policy())
        #expect(response.address == "127.0.8.1")
        #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("Hello from alias.web.test"))
    }

    @Test func concurrentFetchesAreIndependent() async throws {
        let fetcher = try Lab.fetcher()
        let policy = try Lab.policy()
        let bodies = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { try await fetcher.get("https://good.web.test/hello.txt", policy: policy).body.count }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(bodies.count == 8)
        #expect(Set(bodies).count == 1)
    }
}

/// Inputs refused before any network access.
@Suite("HTTPFetcher (no network)")
struct HTTPFetcherInputTests {
    static func fetcher() throws -> HTTPFetcher {
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: ["127.0.0.1:9"]))
        return try HTTPFetcher(resolver: resolver, trustRoots: .system)
    }

    @Test(arguments: ["http://good.web.test/", "ftp://good.web.test/", "good.web.test/x", "https://", "https:///path",
                      "https://127.0.0.1/", "https://[::1]/", "https://user@good.web.test/", "https://good.web.test:0/",
                      "https://good.web.test:99999/", "https://bad host/", "https://a..b/", "https://good.web.test/a b"])
    func invalidURLIsRefused(url: String) async throws {
        await #expect(throws: HTTPFetchError.invalidURL("")) {
            try await Self.fetcher().get(url, policy: FetchPolicy(maximumBodySize: 1, timeout: .seconds(1)))
        }
    }

    @Test(arguments: ["json", "application/json\r\nX-Injected: 1", "application/", "/json", "text/plain; charset=\u{7F}", "a b/c"])
    func malformedContentTypeIsRefused(contentType: String) async throws {
        await #expect(throws: HTTPFetchError.invalidRequest("")) {
            try await Self.fetcher().post("https://good.web.test/", body: [], contentType: contentType,
                                          policy: FetchPolicy(maximumBodySize: 1, timeout: .seconds(1)))
        }
    }

    @Test func oversizedRequestBodyIsRefused() async throws {
        await #expect(throws: HTTPFetchError.invalidRequest("")) {
            try await Self.fetcher().post("https://good.web.test/", body: [UInt8](repeating: 0, count: HTTPFetcher.maximumRequestBodySize + 1),
                                          contentType: "application/octet-stream", policy: FetchPolicy(maximumBodySize: 1, timeout: .seconds(1)))
        }
    }

    @Test func unreadableTrustRootsAreRefused() throws {
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: ["127.0.0.1:9"]))
        #expect(throws: HTTPFetchError.invalidTrustRoots("")) {
            try HTTPFetcher(resolver: resolver, trustRoots: .only(pemFiles: ["/nonexistent/ca.pem"]))
        }
        #expect(throws: HTTPFetchError.invalidTrustRoots("")) {
            try HTTPFetcher(resolver: resolver, trustRoots: .only(pemFiles: []))
        }
    }

    @Test func errorsCompareByCodeAndKeepTheStatus() {
        #expect(HTTPFetchError.status(404, "a") == .status(500, "b"))
        #expect(HTTPFetchError.status(404, "a").statusCode == 404)
        #expect(HTTPFetchError.tls("a", "b").statusCode == nil)
        #expect(HTTPFetchError.tls("a", "b") != .connection("a", "b"))
    }
}
