import DNS
import TestSupport
import Testing
import TLSRPT

/// `TLSRPTRecord.discover` through the lab's validating resolver.
@Suite("TLSRPT discovery (lab)")
struct DiscoveryTests {
    func discover(_ domain: String) async throws -> Result<TLSRPTRecord, TLSRPTError> {
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")]))
        return try await TLSRPTRecord.discover(domain: domain, resolver: resolver)
    }

    @Test func aDomainWithoutARecordHasNone() async throws {
        // web.test publishes MTA-STS but no _smtp._tls records (NXDOMAIN below it).
        guard case .failure(let error) = try await discover("enforce.web.test.") else {
            Issue.record("found a TLSRPT record for enforce.web.test")
            return
        }
        #expect(error.code == .noRecord)
        #expect(error.reason == "no TXT record begins with v=TLSRPTv1")
    }
}
