// The Stockade milter (what `stockade milter` runs, MilterServiceSetup) in a release build, for the load generator
// Benchmarks/peers/milter-load.c; measured next to OpenDKIM + OpenDMARC in docs/benchmarks.md ("Milter").
//
//     swift build -c release --product MilterBenchmarkServer   (from Benchmarks/)
//     STOCKADE_RESOLVER=127.0.0.1:53531 .build/release/MilterBenchmarkServer 18893
//
// Listens on 127.0.0.1:PORT with authserv-id mx.bench.test, default settings (reject, hold), and logs at the default
// level (a line per message) to standard error, as `stockade milter` does.
import DNS
import Foundation
import Logging
import ServiceLifecycle
import StockadeServer

guard CommandLine.arguments.count == 2, let port = Int(CommandLine.arguments[1]),
      let resolver = ProcessInfo.processInfo.environment["STOCKADE_RESOLVER"] else {
    FileHandle.standardError.write(Data("usage: STOCKADE_RESOLVER=HOST:PORT MilterBenchmarkServer PORT\n".utf8))
    exit(2)
}
let logger = Logger(label: "stockade.milter")
let dns = Resolver<ContinuousClock>(configuration: try ResolverConfiguration(servers: [resolver]))
let service = try MilterServiceSetup.service(MilterSettings(listen: "inet:127.0.0.1:\(port)", authservID: "mx.bench.test"),
                                             dns: dns, logger: logger)
try await ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
