import DNS
import SPF
import Testing

/// The RFC 7208 test suite (`Fixtures/rfc7208-tests.yml`, see `Fixtures/README.md`): every scenario's zone served by a
/// loopback authoritative server, every test checked through `SPFChecker` and `DNS.Resolver`.
@Suite("RFC 7208 test suite")
struct RFC7208SuiteTests {
    static let scenarios = (try? SuiteScenario.load()) ?? []

    @Test func theSuiteHasItsScenariosAndTests() {
        #expect(Self.scenarios.count == 16)
        #expect(Self.scenarios.reduce(0) { $0 + $1.tests.count } == 203)
    }

    @Test(arguments: scenarios)
    func scenario(_ scenario: SuiteScenario) async throws {
        let server = try await ScenarioDNSServer.start(try scenario.scenarioZone())
        for test in scenario.tests {
            let checker = SPFChecker(resolver: try server.resolver())
            let verdict = await checker.check(client: try ClientAddress(test.host), mailFrom: test.mailfrom, helo: test.helo)
            #expect(test.results.contains(verdict.result.rawValue),
                    "\(test.name) (RFC 7208 \(test.spec)): \(verdict.result) (\(verdict.reason)), expected \(test.results)")
            if let explanation = test.explanation, verdict.result == .fail {
                #expect(verdict.explanation == (explanation == "DEFAULT" ? nil : explanation), "\(test.name): explanation")
            }
        }
        await server.stop()
    }
}
