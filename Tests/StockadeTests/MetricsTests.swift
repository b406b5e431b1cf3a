import Foundation
import TestSupport
import Testing

/// Issue 14, item 3: `GET /metrics` on its own listener, in the Prometheus text format as the reference parser
/// (`prometheus_client.parser` from PyPI) reads it, with counters that move by exactly what was done.
@Suite("metrics (lab)", .serialized)
struct MetricsTests {
    /// Every sample of a scrape, `name{label="value",…}` (labels sorted) → value, through prometheus_client's parser.
    static func scrape(port: Int) throws -> [String: Double] {
        let script = """
            import json, sys, urllib.request
            from prometheus_client.parser import text_string_to_metric_families
            text = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics").read().decode()
            samples = {}
            for family in text_string_to_metric_families(text):
                for s in family.samples:
                    labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
                    samples[f"{s.name}{{{labels}}}"] = s.value
            print(json.dumps(samples))
            """
        let output = try runTool("python3", ["-c", script, String(port)])
        return try #require(try JSONSerialization.jsonObject(with: output) as? [String: Double])
    }

    @Test func countersMoveByWhatWasDone() async throws {
        let metricsPort = freeLoopbackPort(), socketmapPort = freeLoopbackPort()
        let server = try await ServerProcess(extra: [
            "resolver": try labVariable("STOCKADE_RESOLVER"),
            "metrics": ["listen": "127.0.0.1:\(metricsPort)"],
            "socketmap": ["listen": "127.0.0.1:\(socketmapPort)", "caFile": try labVariable("STOCKADE_LAB_CA"),
                          "policyPort": Int(try labVariable("STOCKADE_LAB_HTTPS_PORT")) ?? 443],
        ])
        defer { server.stop(); server.removeData() }
        try await SocketmapServiceTests.waitForListener(port: socketmapPort)
        let health = #"hb_requests_total{http_request_method="GET",http_response_status_code="200",http_route="/health"}"#
        let missing = #"hb_requests_total{http_request_method="GET",http_response_status_code="404",http_route="NotFound"}"#
        let fetched = #"stockade_socketmap_lookups_total{reply="ok",source="fetched"}"#
        let cached = #"stockade_socketmap_lookups_total{reply="ok",source="cache"}"#
        let noPolicy = #"stockade_socketmap_lookups_total{reply="notfound",source="none"}"#
        let policyFetched = #"stockade_mtasts_policy_fetches_total{result="fetched"}"#
        let policyStatus = #"stockade_mtasts_policy_fetches_total{result="status"}"#
        let secureNXDOMAIN = #"stockade_dns_queries_total{dnssec="secure",rcode="NXDOMAIN"}"#
        let before = try Self.scrape(port: metricsPort)

        for _ in 0..<3 { #expect(try server.request("GET", "/health").status == 200) }
        for _ in 0..<2 { #expect(try server.request("GET", "/no/such/page").status == 404) }
        #expect(try SocketmapServiceTests.postmap("enforce.web.test", port: socketmapPort)?.hasPrefix("secure match=") == true)
        #expect(try SocketmapServiceTests.postmap("enforce.web.test", port: socketmapPort)?.hasPrefix("secure match=") == true)
        #expect(try SocketmapServiceTests.postmap("[192.0.2.1]", port: socketmapPort) == nil)
        // The policy of missing.web.test answers 404; nosuch.secure.test does not exist: the _mta-sts TXT query gets a
        // signed NXDOMAIN, and without a policy nothing more is asked (DANE precedence is checked only for a policy).
        #expect(try SocketmapServiceTests.postmap("missing.web.test", port: socketmapPort) == nil)
        let nxdomainsBefore = try Self.scrape(port: metricsPort)[secureNXDOMAIN] ?? 0
        #expect(try SocketmapServiceTests.postmap("nosuch.secure.test", port: socketmapPort) == nil)

        let after = try Self.scrape(port: metricsPort)
        func moved(_ key: String) -> Double { (after[key] ?? 0) - (before[key] ?? 0) }
        #expect(moved(health) == 3, "\(after.keys.sorted())")
        #expect(moved(missing) == 2)
        #expect(moved(fetched) == 1)
        #expect(moved(cached) == 1)
        #expect(moved(noPolicy) == 3)  // [192.0.2.1], missing.web.test, nosuch.secure.test
        #expect(moved(policyFetched) == 1)
        #expect(moved(policyStatus) == 1)
        #expect((after[secureNXDOMAIN] ?? 0) - nxdomainsBefore == 1)
        // Latency histograms: one observation per request.
        #expect(moved(#"http_server_request_duration_count{http_request_method="GET",http_response_status_code="200",http_route="/health"}"#) == 3)
        // Not on the public listener.
        #expect(try server.request("GET", "/metrics").status == 404)
    }

    /// The outbox's depth and failures: a relay that refuses connections keeps the one verification mail queued after
    /// exactly one failed attempt (the next one is 30 s later, ``OutboxPolicy``).
    @Test func outboxDepthAndSendFailures() async throws {
        let metricsPort = freeLoopbackPort()
        let world = try await KeyServerWorld.start(extra: [
            "mail": ["relay": "127.0.0.1:\(freeLoopbackPort())", "tls": "none"],
            "metrics": ["listen": "127.0.0.1:\(metricsPort)"],
        ])
        defer { world.close() }
        _ = try world.uploadAndRequest("alice@example.org")
        let failed = #"stockade_outbox_attempts_total{result="transient-failure"}"#
        var samples: [String: Double] = [:]
        for _ in 0..<50 {
            samples = try Self.scrape(port: metricsPort)
            if samples[failed] == 1, samples[#"stockade_outbox_messages{state="queued"}"#] == 1 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(samples[failed] == 1, "\(samples.filter { $0.key.hasPrefix("stockade_outbox") })")
        #expect(samples[#"stockade_outbox_attempts_total{result="sent"}"#] == nil)
        #expect(samples[#"stockade_outbox_messages{state="queued"}"#] == 1)
        #expect(samples[#"stockade_outbox_messages{state="dead"}"#] == 0)
        #expect(samples[#"stockade_keyserver_uploads_total{result="accepted"}"#] == 1)
    }
}
