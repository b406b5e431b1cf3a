// swift-tools-version:6.1
// libFuzzer harnesses for Stockade's parsers of outside input, in a package of their own so that the main package's
// `swift build` never builds them. They need sanitizer flags on every module, which `scripts/fuzz.sh` passes:
//
//     scripts/fuzz.sh build          # instrumented release build into Fuzz/.build
//     scripts/fuzz.sh run dns        # one harness; see docs/fuzzing.md
//
// One executable, `stockade-fuzz HARNESS [libFuzzer flags] [corpus dirs]`: the first argument picks the harness, the
// rest goes to libFuzzer's `LLVMFuzzerRunDriver` (linked from the toolchain's `libclang_rt.fuzzer_no_main`), so the
// libraries are compiled and linked once for all harnesses.
import PackageDescription

let package = Package(
    name: "StockadeFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Stockade", path: ".."),
        // Already a dependency of Stockade: EmbeddedChannel drives the SMTP reply decoder.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // The declaration of libFuzzer's driver entry point; the definition comes from the toolchain at link time.
        .target(name: "CLibFuzzer", path: "Sources/CLibFuzzer"),
        .executableTarget(
            name: "stockade-fuzz",
            dependencies: [
                "CLibFuzzer",
                .product(name: "DNS", package: "Stockade"),
                .product(name: "OpenPGP", package: "Stockade"),
                .product(name: "MTASTS", package: "Stockade"),
                .product(name: "DANE", package: "Stockade"),
                .product(name: "PostfixPolicy", package: "Stockade"),
                .product(name: "WKD", package: "Stockade"),
                .product(name: "VKS", package: "Stockade"),
                .product(name: "SMTP", package: "Stockade"),
                .product(name: "SPF", package: "Stockade"),
                .product(name: "DMARC", package: "Stockade"),
                .product(name: "DKIM", package: "Stockade"),
                .product(name: "Milter", package: "Stockade"),
                .product(name: "TLSRPT", package: "Stockade"),
                .product(name: "CAA", package: "Stockade"),
                .product(name: "Audit", package: "Stockade"),
                .product(name: "Reports", package: "Stockade"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPHead", package: "Stockade"),
            ],
            path: "Sources/StockadeFuzz"
        ),
    ]
)
