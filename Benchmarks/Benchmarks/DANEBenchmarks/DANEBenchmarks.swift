// Benchmarks of DANE for SMTP (issue 7): the cost of the DANE verdict, alone and inside a real STARTTLS handshake
// with the lab's Postfix smtpd (`lab/lab.sh up`, component mta), next to the same handshake without any check.
//
// Hosts: mx.ee.dane.test (127.0.7.1, DANE-EE `3 1 1`) and mx.ta.dane.test (127.0.7.2, DANE-TA `2 0 1` on the lab
// CA, which the server sends). The records are computed here from the lab's certificate files, exactly as the lab
// publishes them. Results and commands: docs/benchmarks.md.
import Benchmark
import DANE
import DNS
import Foundation
import NIOCore
import SMTP

private func labDirectory() -> String {
    ProcessInfo.processInfo.environment["STOCKADE_LAB_DIR"] ?? "../lab/run"
}

private func labCertificate(_ name: String) -> ServerCertificate {
    let path = "\(labDirectory())/ca/\(name).pem"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8), let certificate = try? ServerCertificate(pem: text) else {
        fatalError("cannot read \(path): is the lab up?")
    }
    return certificate
}

private func records(_ host: String, _ records: [TLSA]) -> DANERecords {
    DANERecords(hostName: host, baseDomain: host, port: 25, records: records)
}

/// The lab's DANE-EE host and its record; the DANE-TA host and its record; their chains as the servers send them.
private struct LabHosts: Sendable {
    let ee: DANERecords
    let ta: DANERecords
    let eeChain: [[UInt8]]
    let taChain: [[UInt8]]

    init() {
        let ca = labCertificate("ca")
        let eeLeaf = labCertificate("mx.ee.dane.test")
        let taLeaf = labCertificate("mx.ta.dane.test")
        ee = records("mx.ee.dane.test", [eeLeaf.tlsaRecord()])
        ta = records("mx.ta.dane.test", [ca.tlsaRecord(usage: .daneTA, selector: .fullCertificate, matchingType: .sha256)])
        eeChain = [eeLeaf.der]
        taChain = [taLeaf.der, ca.der]
    }
}

private func client(_ tls: SMTPTLSPolicy) -> SMTPClient {
    do {
        return try SMTPClient(configuration: SMTPConfiguration(clientName: "bench.web.test", tls: tls))
    } catch {
        fatalError("client: \(error)")
    }
}

private func address(_ ip: String) -> SocketAddress {
    let port = Int(ProcessInfo.processInfo.environment["STOCKADE_LAB_MTA_PORT"] ?? "25") ?? 25
    do { return try SocketAddress(ipAddress: ip, port: port) } catch { fatalError("\(error)") }
}

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
    let batched = Benchmark.Configuration(
        metrics: metrics, warmupIterations: 10, scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 100_000)
    // One SMTP session per sample: connect, greeting, EHLO, STARTTLS, handshake, EHLO, QUIT.
    let session = Benchmark.Configuration(
        metrics: metrics, warmupIterations: 20, scalingFactor: .one, maxDuration: .seconds(5), maxIterations: 5_000)

    Benchmark("DANE verdict, DANE-EE 3 1 1 (no network)", configuration: batched) { (benchmark: Benchmark, hosts: LabHosts) async in
        let verifier = DANEVerifier(records: hosts.ee, nextHopDomain: "ee.dane.test")
        for _ in benchmark.scaledIterations {
            blackHole(await verifier.verify(chain: hosts.eeChain, at: Date()))
        }
    } setup: { () -> LabHosts in
        LabHosts()
    }

    Benchmark("DANE verdict, DANE-TA 2 0 1 with path validation (no network)", configuration: batched) { (benchmark: Benchmark, hosts: LabHosts) async in
        let verifier = DANEVerifier(records: hosts.ta, nextHopDomain: "ta.dane.test")
        for _ in benchmark.scaledIterations {
            blackHole(await verifier.verify(chain: hosts.taChain, at: Date()))
        }
    } setup: { () -> LabHosts in
        LabHosts()
    }

    // One session per sample against each host, without a check and with the DANE verdict.
    let hosts: [(name: String, ip: String, usage: String, records: @Sendable () -> DANERecords)] = [
        ("mx.ee", "127.0.7.1", "DANE-EE", { LabHosts().ee }), ("mx.ta", "127.0.7.2", "DANE-TA", { LabHosts().ta }),
    ]
    for host in hosts {
        sessionBenchmark("STARTTLS session, no certificate check (\(host.name))", ip: host.ip, session) {
            .required(.none, serverName: "\(host.name).dane.test")
        }
        sessionBenchmark("STARTTLS session + \(host.usage) verdict (\(host.name))", ip: host.ip, session) {
            let records = host.records()
            return .dane(records, nextHopDomain: String(records.baseDomain.dropFirst(3)))
        }
    }
}

/// A benchmark of one `SMTPClient.probe` per iteration to `ip` under the policy `tls` makes in the setup.
private func sessionBenchmark(_ name: String, ip: String, _ configuration: Benchmark.Configuration,
                              tls: @escaping @Sendable () -> SMTPTLSPolicy) {
    Benchmark(name, configuration: configuration) { (benchmark: Benchmark, smtp: SMTPClient) async in
        for _ in benchmark.scaledIterations {
            do { blackHole(try await smtp.probe(address(ip))) } catch { benchmark.error("\(error)") }
        }
    } setup: { () -> SMTPClient in
        client(tls())
    }
}
