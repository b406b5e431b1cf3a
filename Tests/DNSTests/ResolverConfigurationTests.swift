import DNS
import NIOCore
import Testing

@Suite("Resolver configuration")
struct ResolverConfigurationTests {
    @Test func readsResolvConf() throws {
        let text = """
            # comment
            search example.test
            nameserver 127.0.5.53
            nameserver ::1
            nameserver fe80::1%eth0
            nameserver not-an-address
            options timeout:1 attempts:3 rotate
            """
        let configuration = try ResolverConfiguration(resolvConf: text)
        #expect(configuration.servers.map(\.ipAddress) == ["127.0.5.53", "::1", "fe80::1"])
        #expect(configuration.servers.map(\.port) == [53, 53, 53])
        #expect(configuration.timeout == .seconds(1))
        #expect(configuration.attempts == 3)
    }

    @Test func resolvConfWithoutServersIsRefused() {
        #expect(throws: DNSError.noServers) { try ResolverConfiguration(resolvConf: "search example.test\n") }
    }

    @Test func parsesServerAddresses() throws {
        #expect(try ResolverConfiguration.socketAddress("127.0.0.1:53531").port == 53531)
        #expect(try ResolverConfiguration.socketAddress("127.0.0.1").port == 53)
        #expect(try ResolverConfiguration.socketAddress("[::1]:5353").ipAddress == "::1")
        #expect(try ResolverConfiguration.socketAddress("::1").port == 53)
        #expect(throws: DNSError.invalidConfiguration("")) { try ResolverConfiguration.socketAddress("resolver.example:53") }
        #expect(throws: DNSError.invalidConfiguration("")) { try ResolverConfiguration.socketAddress("127.0.0.1:99999") }
        #expect(throws: DNSError.invalidConfiguration("")) { try ResolverConfiguration.socketAddress("[::1") }
    }
}
