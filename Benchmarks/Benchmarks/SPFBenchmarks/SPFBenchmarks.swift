// Benchmarks of the SPF library (issue 15): check_host() evaluations per second with a warm DNS cache, through the real
// resolver against the lab (STOCKADE_RESOLVER: run `lab/lab.sh up` and export `lab/lab.sh env` first). Two records
// of the lab's zones: mail.test's one-term `v=spf1 ip4:192.0.2.10 -all`, and spf.test's chain of 9 includes and a
// redirect (10 DNS-querying terms and 11 records per evaluation, the most §4.6.4 allows). pyspf's figure for the same checks comes from
// Benchmarks/peers/pyspf_bench.py. Results and commands: docs/benchmarks.md.
import Benchmark
import DNS
import Foundation
import SPF

private struct SPFBenchmarkError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

private struct Fixture: Sendable {
    let checker: SPFChecker<Resolver<ContinuousClock>>
    let client: ClientAddress
    let sender: String
}

/// A checker on the lab resolver whose cache holds every answer the check needs (one evaluation run, checked to pass).
private func warmFixture(client: String, sender: String) async throws -> Fixture {
    guard let server = ProcessInfo.processInfo.environment["STOCKADE_RESOLVER"] else {
        throw SPFBenchmarkError(reason: "STOCKADE_RESOLVER is not set: lab/lab.sh up; set -a; eval \"$(lab/lab.sh env)\"; set +a")
    }
    let checker = SPFChecker(resolver: Resolver(configuration: try ResolverConfiguration(servers: [server])), receivingHost: "mx.example.net")
    let fixture = Fixture(checker: checker, client: try ClientAddress(client), sender: sender)
    let verdict = await checker.check(client: fixture.client, mailFrom: sender, helo: "mx.example.net")
    guard verdict.result == .pass else { throw SPFBenchmarkError(reason: "\(sender): \(verdict.result) \(verdict.reason)") }
    return fixture
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal], warmupIterations: 10, scalingFactor: .kilo,
        maxDuration: .seconds(3), maxIterations: 10_000)

    for (name, client, sender) in [("one term (mail.test)", "192.0.2.10", "alice@mail.test"),
                                   ("9 includes + redirect (chain1.spf.test)", "192.0.2.1", "alice@chain1.spf.test")] {
        Benchmark("SPF check_host, warm cache: \(name)", configuration: configuration) { (benchmark: Benchmark, fixture: Fixture) async in
            for _ in benchmark.scaledIterations {
                blackHole(await fixture.checker.check(client: fixture.client, mailFrom: fixture.sender, helo: "mx.example.net"))
            }
        } setup: {
            try await warmFixture(client: client, sender: sender)
        }
    }
}
