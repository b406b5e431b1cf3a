// swift-tools-version:6.1
// Benchmarks for Stockade, in a package of their own so that the main package's `swift build` and `make test`
// never build the harness (ordo-one/benchmark and its dependencies). Run from this folder:
//
//     swift package --scratch-path .build benchmark
//
// See docs/benchmarks.md for the figures and the exact commands.
import PackageDescription

let package = Package(
    name: "StockadeBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Stockade", path: ".."),
        // Only the MallocInterposer trait: naming the traits replaces the package's defaults, which on Linux with
        // Swift 6.3 also include RuntimeInterposer, whose package (ordo-one/swift-runtime-interposer) is not in the
        // local package mirror. Without that trait the ARC metrics fall back to the runtime's own hooks.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        // Already a dependency of Stockade (OpenPGP verifies with it): the OpenPGP benchmarks measure it alone.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        // Already a dependency of Stockade (the SMTP client's SocketAddress).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // Already dependencies of Stockade: the milter benchmark's server logs and shuts down as `stockade milter` does.
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .executableTarget(
            name: "DNSBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DNS", package: "Stockade"),
            ],
            path: "Benchmarks/DNSBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DANEBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DANE", package: "Stockade"),
                .product(name: "SMTP", package: "Stockade"),
                .product(name: "DNS", package: "Stockade"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/DANEBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "OpenPGPBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OpenPGP", package: "Stockade"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Benchmarks/OpenPGPBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DKIMBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DKIM", package: "Stockade"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Benchmarks/DKIMBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SPFBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SPF", package: "Stockade"),
                .product(name: "DNS", package: "Stockade"),
            ],
            path: "Benchmarks/SPFBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "KeyServerBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KeyServer", package: "Stockade"),
                .product(name: "Store", package: "Stockade"),
                .product(name: "OpenPGP", package: "Stockade"),
            ],
            path: "Benchmarks/KeyServerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Not a Benchmark-harness target (those live in Benchmarks/): the milter as a server for Benchmarks/peers/milter-load.c.
        .executableTarget(
            name: "MilterBenchmarkServer",
            dependencies: [
                .product(name: "StockadeServer", package: "Stockade"),
                .product(name: "DNS", package: "Stockade"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "peers/milter-server"
        ),
    ]
)
