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
        let literal = #"stockade_socketmap_lookups_total{reply="notfound",source="none"}"#
        let before = try Self.scrape(port: metricsPort)

        for _ in 0..<3 { #expect(try server.request("GET", "/health").status == 200) }
        for _ in 0..<2 { #expect(try server.request("GET", "/no/such/page").status == 404) }
        #expect(try SocketmapServiceTests.postmap("enforce.web.test", port: socketmapPort)?.hasPrefix("secure match=") == true)
        #expect(try SocketmapServiceTests.postmap("enforce.web.test", port: socketmapPort)?.hasPrefix("secure match=") == true)
        #expect(try SocketmapServiceTests.postmap("[192.0.2.1]", port: socketmapPort) == nil)

        let after = try Self.scrape(port: metricsPort)
        func moved(_ key: String) -> Double { (after[key] ?? 0) - (before[key] ?? 0) }
        #expect(moved(health) == 3, "\(after.keys.sorted())")
        #expect(moved(missing) == 2)
        #expect(moved(fetched) == 1)
        #expect(moved(cached) == 1)
        #expect(moved(literal) == 1)
        // Latency histograms: one observation per request.
        #expect(moved(#"http_server_request_duration_count{http_request_method="GET",http_response_status_code="200",http_route="/health"}"#) == 3)
        // Not on the public listener.
        #expect(try server.request("GET", "/metrics").status == 404)
    }
}
