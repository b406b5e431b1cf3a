import DANE
import DNS
import Foundation
import HTTPFetch
import MTASTS
import NIOSSL
import SMTP
import TestSupport
import TransportSecurity

/// The lab's DANE hosts (lab/lib/mta.sh: a real Postfix smtpd per case on 127.0.7.N) as the tests reach them.
struct LabMTA {
    let resolver: DNS.Resolver<ContinuousClock>
    let caFile: String
    let caDirectory: String
    let port: Int
    let httpsPort: Int

    init() throws {
        resolver = DNS.Resolver(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")]),
                                clock: ContinuousClock())
        caFile = try labVariable("STOCKADE_LAB_CA")
        caDirectory = (caFile as NSString).deletingLastPathComponent
        port = Int(try labVariable("STOCKADE_LAB_MTA_PORT"))!
        httpsPort = Int(try labVariable("STOCKADE_LAB_HTTPS_PORT"))!
    }

    func prober() throws -> TransportProbe {
        var sts = MTASTSResolver.Configuration()
        sts.port = httpsPort
        sts.fetchTimeout = .seconds(5)
        let fetcher = try HTTPFetcher(resolver: resolver, trustRoots: .only(pemFiles: [caFile]))
        var configuration = TransportProbe.Configuration()
        configuration.port = port
        configuration.timeouts = SMTPTimeouts(connect: .seconds(5), greeting: .seconds(10), command: .seconds(10))
        return TransportProbe(resolver: resolver,
                              mtaSTS: MTASTSResolver(resolver: resolver, fetcher: fetcher, storage: MemoryPolicyStorage(), configuration: sts),
                              pkix: try PKIXCheck(pemFiles: [caFile]), configuration: configuration)
    }

    /// A lab certificate file (`lab/run/ca/NAME.pem`), parsed.
    func certificate(_ name: String) throws -> ServerCertificate {
        try ServerCertificate(pem: try String(contentsOfFile: "\(caDirectory)/\(name).pem", encoding: .utf8))
    }

    func trustRoots() throws -> NIOSSLTrustRoots {
        .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
    }

    func client(_ tls: SMTPTLSPolicy) throws -> SMTPClient {
        try SMTPClient(configuration: SMTPConfiguration(clientName: "client.web.test", tls: tls,
                                                        timeouts: SMTPTimeouts(connect: .seconds(5), greeting: .seconds(10), command: .seconds(10))))
    }
}
