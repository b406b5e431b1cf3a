// swift-tools-version:6.1
import PackageDescription

/// One list of settings for every target (see shared/STYLE.md).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Stockade",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DNS", targets: ["DNS"]),
        .library(name: "OpenPGP", targets: ["OpenPGP"]),
        .library(name: "HTTPFetch", targets: ["HTTPFetch"]),
        .library(name: "HTTPHead", targets: ["HTTPHead"]),
        .library(name: "SMTP", targets: ["SMTP"]),
        .library(name: "DANE", targets: ["DANE"]),
        .library(name: "TransportSecurity", targets: ["TransportSecurity"]),
        .library(name: "WKD", targets: ["WKD"]),
        .library(name: "MTASTS", targets: ["MTASTS"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "PostfixPolicy", targets: ["PostfixPolicy"]),
        .library(name: "VKS", targets: ["VKS"]),
        .library(name: "KeyLookup", targets: ["KeyLookup"]),
        .library(name: "KeyServer", targets: ["KeyServer"]),
        .library(name: "Directory", targets: ["Directory"]),
        .library(name: "SPF", targets: ["SPF"]),
        .library(name: "DKIM", targets: ["DKIM"]),
        .library(name: "DMARC", targets: ["DMARC"]),
        .library(name: "TLSRPT", targets: ["TLSRPT"]),
        .library(name: "Milter", targets: ["Milter"]),
        .library(name: "MailAuthentication", targets: ["MailAuthentication"]),
        .library(name: "CAA", targets: ["CAA"]),
        .library(name: "Audit", targets: ["Audit"]),
        .library(name: "Reports", targets: ["Reports"]),
        .library(name: "StockadeServer", targets: ["StockadeServer"]),
        .executable(name: "stockade", targets: ["stockade"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Already in the graph through Hummingbird; named for its API. swift-prometheus renders it for /metrics.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        // The server's pages: Mustache templates with one layout (issue 14).
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // gzip with an inflate limit for TLSRPT and DMARC reports (issue 17).
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        // The shared store of several server instances (issue 19).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "DNS",
            dependencies: [
                "CivilDate",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OpenPGP",
            dependencies: [
                "CivilDate",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HTTPFetch",
            dependencies: [
                "DNS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SMTP",
            dependencies: [
                "CivilDate",
                "DNS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DANE",
            dependencies: [
                "DNS",
                "SMTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TransportSecurity",
            dependencies: [
                "DNS", "DANE", "MTASTS", "SMTP", "HTTPFetch",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WKD",
            dependencies: [
                "DNS",
                "HTTPFetch",
                "OpenPGP",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MTASTS",
            dependencies: [
                "DNS",
                "HTTPFetch",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VKS",
            dependencies: ["OpenPGP", "HTTPFetch"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KeyLookup",
            dependencies: ["WKD", "VKS", "OpenPGP"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KeyServer",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                "OpenPGP",
                "Store",
                "VKS",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PostfixPolicy",
            dependencies: [
                "ListenerLimits",
                "DNS",
                "DANE",
                "MTASTS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Store",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Directory",
            dependencies: ["Store", "OpenPGP", "WKD"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SPF",
            dependencies: ["DNS"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DKIM",
            dependencies: [
                "DNS",
                "CDKIMScan",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The relaxed body scan with AVX2 chosen at run time (`__attribute__((target))`), a portable loop elsewhere.
        .target(
            name: "CDKIMScan"
        ),
        .target(
            name: "DMARC",
            dependencies: ["DNS"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HTTPHead",
            swiftSettings: swiftSettings
        ),
        // Days since 1970 to and from the proleptic Gregorian calendar, for every date written without Foundation's.
        .target(
            name: "CivilDate",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ListenerLimits",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MailAuthentication",
            dependencies: ["DNS", "SPF", "DKIM", "DMARC"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Milter",
            dependencies: [
                "ListenerLimits",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TLSRPT",
            dependencies: [
                "CivilDate",
                "DNS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CAA",
            dependencies: ["DNS"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Audit",
            dependencies: [
                "DNS", "CAA", "SPF", "DKIM", "DMARC", "MTASTS", "DANE", "SMTP", "TLSRPT", "WKD", "HTTPFetch",
                "TransportSecurity",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Reports",
            dependencies: [
                "DNS", "TLSRPT", "DMARC", "DKIM", "Store", "ListenerLimits",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StockadeServer",
            dependencies: [
                "CivilDate",
                "DNS",
                "Directory",
                "Store",
                "KeyServer",
                "VKS",
                "OpenPGP",
                "SMTP",
                "MTASTS",
                "PostfixPolicy",
                "HTTPFetch",
                "Milter",
                "MailAuthentication",
                "DKIM",
                "DMARC",
                "SPF",
                "TLSRPT",
                "Reports",
                "Audit",
                "CAA",
                "HTTPHead",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Templates")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "stockade",
            dependencies: [
                "DNS",
                "OpenPGP",
                "Store",
                "Directory",
                "WKD",
                "HTTPFetch",
                "MTASTS",
                "PostfixPolicy",
                "VKS",
                "KeyLookup",
                "SMTP",
                "DANE",
                "TransportSecurity",
                "SPF",
                "DKIM",
                "DMARC",
                "TLSRPT",
                "MailAuthentication",
                "Milter",
                "CAA",
                "Audit",
                "Reports",
                "StockadeServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            path: "Tests/Support",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DNSTests",
            dependencies: ["DNS", "TestSupport", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OpenPGPTests",
            dependencies: ["OpenPGP", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Vectors")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPHeadTests",
            dependencies: [
                "HTTPHead", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPFetchTests",
            dependencies: ["HTTPFetch", "DNS", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SMTPTests",
            dependencies: [
                "SMTP",
                "DNS",
                "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DANETests",
            dependencies: [
                "DANE", "DNS", "SMTP", "TestSupport",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TransportSecurityTests",
            dependencies: [
                "TransportSecurity", "DANE", "MTASTS", "DNS", "HTTPFetch", "SMTP", "TestSupport",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WKDTests",
            dependencies: ["WKD", "OpenPGP", "DNS", "HTTPFetch", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MTASTSTests",
            dependencies: ["MTASTS", "DNS", "HTTPFetch", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostfixPolicyTests",
            dependencies: [
                "PostfixPolicy", "MTASTS", "DNS", "HTTPFetch", "TestSupport", "ListenerLimits",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KeyServerTests",
            dependencies: ["KeyServer", "Store", "OpenPGP", "VKS", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DirectoryTests",
            dependencies: ["Directory", "Store", "OpenPGP", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SPFTests",
            dependencies: [
                "SPF", "DNS", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DKIMTests",
            dependencies: [
                "DKIM", "DNS", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DMARCTests",
            dependencies: ["DMARC", "DNS", "TestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MailAuthenticationTests",
            dependencies: ["MailAuthentication", "DKIM", "DMARC", "SPF", "DNS", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MilterTests",
            dependencies: [
                "Milter", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TLSRPTTests",
            dependencies: ["TLSRPT", "DNS", "TestSupport", .product(name: "NIOCore", package: "swift-nio")],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Store", "Directory", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CAATests",
            dependencies: ["CAA", "DNS", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AuditTests",
            dependencies: ["Audit", "CAA", "DNS", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: [
                "Reports", "TLSRPT", "DMARC", "DKIM", "Store", "DNS", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StockadeTests",
            dependencies: ["stockade", "StockadeServer", "SPF", "DKIM", "DMARC", "TLSRPT", "CAA", "Audit", "Reports", "Store", "DNS", "OpenPGP", "HTTPFetch", "VKS", "SMTP", "KeyServer", "TestSupport",
                           .product(name: "Crypto", package: "swift-crypto"), .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
    ]
)
