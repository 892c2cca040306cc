// swift-tools-version:6.0
// scoretune: a storage benchmark and tuning harness for Overture Score.
// The flow runs one way: ScoreConfig -> Compatibility / runner -> ObjectStore -> Transport.
import PackageDescription

let package = Package(
    name: "scoretune",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "scoretune", targets: ["scoretune"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // System libraries, each behind a tiny header of non-variadic wrappers.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        .target(name: "Hashing", dependencies: ["CCrypto"]),
        .target(name: "Transport", dependencies: ["CCurl"]),
        .target(name: "ObjectStore", dependencies: ["Transport", "Hashing"]),
        .target(name: "ScoreConfig"),
        .target(name: "Compatibility", dependencies: ["ScoreConfig", "ObjectStore", "Transport", "Hashing"]),
        .executableTarget(name: "scoretune", dependencies: [
            "Compatibility", "ScoreConfig", "ObjectStore", "Transport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Test helpers shared by the test targets: local backends, misbehaving sockets.
        .target(name: "TestSupport", dependencies: ["ObjectStore", "ScoreConfig", "Transport"], path: "Tests/TestSupport"),
        .testTarget(name: "HashingTests", dependencies: ["Hashing"]),
        .testTarget(name: "TransportTests", dependencies: ["Transport", "TestSupport"]),
        .testTarget(name: "ObjectStoreTests", dependencies: ["ObjectStore", "Transport", "Hashing", "ScoreConfig", "TestSupport"],
                    resources: [.copy("Vectors")]),
        .testTarget(name: "ScoreConfigTests", dependencies: ["ScoreConfig"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CompatibilityTests", dependencies: ["Compatibility", "ScoreConfig", "ObjectStore", "Transport", "TestSupport"]),
    ]
)
