// swift-tools-version:6.2
// scoretune: a storage benchmark and tuning harness for Overture Score.
// The flow runs one way: ScoreConfig + Scenario -> Runner -> Workload -> ObjectStore -> Transport;
// every attempt and trial goes to Results (SQLite), which Analysis reads and Reports render.
// Model is the shared vocabulary beneath them all (knobs, units, network profiles, operations, the
// seeded generator): Scenario no longer pulls in SwiftNIO, Analysis and Reports no longer Scenario.
import PackageDescription
import class Foundation.ProcessInfo

// Linux only: Transport and the run's console use Glibc, the lease reads /proc (see README).
let package = Package(
    name: "scoretune",
    products: [
        .executable(name: "scoretune", targets: ["scoretune"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // System libraries, each behind a tiny header of non-variadic wrappers.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // The vocabulary every layer shares, depending on nothing but the standard library.
        .target(name: "Model"),
        .target(name: "Hashing", dependencies: ["CCrypto"]),
        .target(name: "Transport", dependencies: ["CCurl"]),
        .target(name: "ObjectStore", dependencies: ["Model", "Transport", "Hashing"]),
        .target(name: "ScoreConfig", dependencies: ["Model"]),
        .target(name: "Compatibility", dependencies: ["Model", "ScoreConfig", "ObjectStore", "Transport", "Hashing"]),
        // Synthetic object bytes in C: vectorised, with runtime CPU dispatch.
        .target(name: "CPayload", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Scenario", dependencies: ["Model", .product(name: "Yams", package: "Yams")]),
        .target(name: "Results", dependencies: ["Model", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Workload", dependencies: ["Model", "CPayload", "ObjectStore", "Transport", "Hashing"]),
        // A user-space network between the client and the store: latency, bandwidth, faults (SwiftNIO).
        .target(name: "FaultProxy", dependencies: ["Model", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                                                  .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]),
        .target(name: "Analysis", dependencies: ["Model", "Results", "ScoreConfig"]),
        .target(name: "Reports", dependencies: ["Model", "Analysis", "Results"]),
        .target(name: "Runner", dependencies: ["Model", "Scenario", "Workload", "Results", "Hashing", "FaultProxy", "ObjectStore", "Transport", "ScoreConfig"]),
        .executableTarget(name: "scoretune", dependencies: [
            "Model", "Compatibility", "ScoreConfig", "Transport", "Scenario", "Runner", "Results", "Workload", "Analysis", "Reports", "FaultProxy",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Test helpers shared by the test targets: local backends, misbehaving sockets.
        .target(name: "TestSupport", dependencies: ["ObjectStore", "ScoreConfig", "Transport", "MemoryStore"], path: "Tests/TestSupport"),
        // An S3 and Azure Blob store in memory behind the HTTPTransport boundary, with fault hooks.
        .target(name: "MemoryStore", dependencies: ["Transport", "Hashing"], path: "Tests/MemoryStore"),
        .testTarget(name: "HashingTests", dependencies: ["Hashing"]),
        .testTarget(name: "MemoryStoreTests", dependencies: ["MemoryStore", "Transport"]),
        .testTarget(name: "TransportTests", dependencies: ["Transport", "TestSupport"]),
        .testTarget(name: "ObjectStoreTests", dependencies: ["ObjectStore", "MemoryStore", "Transport", "Hashing", "ScoreConfig", "TestSupport"],
                    resources: [.copy("Vectors")]),
        .testTarget(name: "ScoreConfigTests", dependencies: ["ScoreConfig", "Model"], resources: [.copy("Fixtures")]),
        .testTarget(name: "WorkloadTests", dependencies: ["Workload", "Hashing", "ObjectStore", "Transport", "TestSupport", "MemoryStore", "Model"]),
        .testTarget(name: "ScenarioTests", dependencies: ["Model", "Scenario"]),
        .testTarget(name: "ResultsTests", dependencies: ["Model", "Results", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "RunnerTests", dependencies: ["Runner", "MemoryStore", "Model", "Results", .product(name: "GRDB", package: "GRDB.swift"), "Scenario", "ObjectStore", "Transport", "ScoreConfig", "TestSupport"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "MemoryStore", "Reports", "Model", "Results", "Runner", "Workload", "Scenario", "ScoreConfig", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "FaultProxyTests", dependencies: ["FaultProxy", "Model", "ObjectStore", "Transport", "TestSupport",
                                                          .product(name: "NIOCore", package: "swift-nio"),
                                                          .product(name: "NIOEmbedded", package: "swift-nio")]),
        .testTarget(name: "CompatibilityTests", dependencies: ["Compatibility", "MemoryStore", "ScoreConfig", "ObjectStore", "Transport", "TestSupport"]),
    ]
)

// The project's own Swift targets build with zero warnings: a new one is an error, here and in CI.
for target in package.targets where ![.system, .binary, .plugin, .macro].contains(target.type) && target.name != "CPayload" {
    target.swiftSettings = (target.swiftSettings ?? []) + [.treatAllWarnings(as: .error)]
}

// libFuzzer targets (`make fuzz`), only when SCORETUNE_FUZZ is set: normal builds never see them.
// Built with `-Xswiftc -sanitize=fuzzer`; each main.swift starts libFuzzer's driver itself.
if ProcessInfo.processInfo.environment["SCORETUNE_FUZZ"] != nil {
    package.targets += [
        .executableTarget(name: "FuzzScoreConfig", dependencies: ["ScoreConfig"], path: "Fuzz/FuzzScoreConfig"),
        .executableTarget(name: "FuzzScenario", dependencies: ["Model", "Scenario"], path: "Fuzz/FuzzScenario"),
    ]
}
