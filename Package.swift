// swift-tools-version:6.1
import PackageDescription

/// One set of settings for every target (STYLE.md): explicit `any`, internal imports, visible members.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Domain folders being written in parallel and not yet wired in: excluded until they land.
let domainInProgress: [String] = []

let package = Package(
    name: "ketacare",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ketacare", targets: ["ketacare"])
    ],
    dependencies: [
        // One trait only: SwiftPM 6.3 reorders multiple trait defines and rebuilds needlessly (CI-RECIPES.md).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
    ],
    targets: [
        // Pure clinical values and rules: Foundation only (ARCHITECTURE.md).
        .target(
            name: "KetaCareDomain",
            exclude: domainInProgress,
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KetaCareStore",
            dependencies: [
                "KetaCareDomain",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KetaCareWeb",
            dependencies: [
                "KetaCareDomain",
                "KetaCareStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Templates"), .copy("Public"), .copy("openapi.json")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ketacare",
            dependencies: [
                "KetaCareDomain",
                "KetaCareStore",
                "KetaCareWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KetaCareDomainTests", dependencies: ["KetaCareDomain"], exclude: domainInProgress,
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KetaCareStoreTests",
            dependencies: ["KetaCareDomain", "KetaCareStore", .product(name: "SQLKit", package: "sql-kit")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KetaCareWebTests",
            dependencies: [
                "KetaCareDomain", "KetaCareStore", "KetaCareWeb",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
