import Model
import Scenario
import XCTest

final class ScenarioLoaderTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func parse(_ text: String) throws -> Scenario { try ScenarioLoader.parse(text: text, path: "s.yaml") }

    /// The error's one line, or a failure when the text was accepted.
    func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        scenarioError(text, path: "s.yaml", file: file, line: line)
    }

    let defaults = Knobs(uploadPartSize: 20 << 20, downloadPartSize: nil, retryLimit: 5, connectTimeoutMilliseconds: 15_000,
                         stallTimeoutMilliseconds: 60_000, parallel: 6, clients: 1)

    func testShippedNetworkProfilesLoadAsTheProxyReadsThem() throws {
        let folder = Self.root.appendingPathComponent("scenarios/networks")
        let shipped = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(shipped.count, 4)
        for name in shipped {
            let profile = try NetworkProfileFile.load(path: folder.appendingPathComponent(name).path)
            XCTAssertFalse(profile.isIdentity, "\(name) plays something")
        }
        let wan = try NetworkProfileFile.load(path: folder.appendingPathComponent("wan-80ms.yaml").path)
        XCTAssertEqual(wan.rttMilliseconds, 80)
        XCTAssertEqual(wan.bandwidthPerConnection, 25_000_000)
        XCTAssertGreaterThan(try NetworkProfileFile.load(path: folder.appendingPathComponent("flaky-wan.yaml").path).faults.resetPerMiB, 0)
    }

    func testShippedScenariosLoadAndExpand() throws {
        // Every shipped scenario, so a new one is checked too (the Azure one below, with its own profile).
        let shipped = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("scenarios").path)
            .filter { $0.hasSuffix(".yaml") && $0 != "azure-grid.yaml" }.map { String($0.dropLast(5)) }.sorted()
        XCTAssertGreaterThanOrEqual(shipped.count, 9)
        for name in shipped {
            let path = Self.root.appendingPathComponent("scenarios/\(name).yaml").path
            let scenario = try ScenarioLoader.load(path: path)
            XCTAssertEqual(scenario.name, name)
            XCTAssertTrue(scenario.envPath?.hasSuffix(".scoretune/backends/seaweedfs/.env.score") ?? false)
            XCTAssertFalse(try scenario.cells(defaults: defaults).isEmpty)
            XCTAssertTrue(scenario.warnings.isEmpty, "\(name): \(scenario.warnings)")
        }
        let azure = try ScenarioLoader.load(path: Self.root.appendingPathComponent("scenarios/azure-grid.yaml").path)
        XCTAssertTrue(azure.envPath?.hasSuffix(".scoretune/backends/azure/.env.score") ?? false)
        var azureDefaults = defaults
        azureDefaults.blockSize = 104_857_600
        XCTAssertEqual(try azure.cells(defaults: azureDefaults).count, 3 * 2 * 2)
    }

    func testBlockSizeVariesOnlyOnAzureAndKeepsTheBlockLimit() throws {
        let scenario = try parse("""
            objects: {sizes: [100MiB]}
            grid: {block_size: [1MiB, 8MiB], UPLOAD_PARTSIZE: [8MiB, 16MiB]}
            """)
        XCTAssertEqual(try scenario.cells(defaults: defaults).map(\.blockSize), [nil], "S3: no block sizes, and 8 and 16 MiB run as one 20 MiB cell (Score's floor)")
        var azure = defaults
        azure.blockSize = 100 << 20
        let cells = try scenario.cells(defaults: azure)
        XCTAssertEqual(cells.count, 4)
        XCTAssertEqual(Set(cells.compactMap(\.blockSize)), [1 << 20, 8 << 20])
        XCTAssertTrue(cells.first!.label.contains("block=1MiB range=8MiB"), cells.first!.label)
        XCTAssertTrue(error("objects: {sizes: [4GiB]}\ngrid: {block_size: [64KiB]}\n").contains("s.yaml:2: grid.block_size[0]"))
        XCTAssertTrue(error("objects: {sizes: [1GiB]}\ngrid: {block_size: [5000MiB]}\n").contains("above Azure's 4000MiB"))
    }

    func testGridIsTheProductOfItsKnobsWithDefaultsForTheRest() throws {
        let scenario = try parse("""
            mode: multipart
            objects: {sizes: [10MiB, 30MiB], count: 3, seed: 9}
            grid:
              UPLOAD_PARTSIZE: [5MiB, 8MiB]
              DOWNLOAD_PARTSIZE: [1MiB, 4MiB, 16MiB]
              parallel: [1, 4]
              stall_timeout: 2s
            repetitions: 2
            warmup: 0
            """)
        XCTAssertEqual(scenario.objects.map(\.size), [10 << 20, 30 << 20, 10 << 20])
        let cells = try scenario.cells(defaults: defaults)
        XCTAssertEqual(cells.count, 2 * 3 * 2)
        XCTAssertEqual(Set(cells.map(\.retryLimit)), [5], "retry limit from the .env.score")
        XCTAssertEqual(Set(cells.map(\.stallTimeoutMilliseconds)), [2_000])
        XCTAssertEqual(Set(cells.compactMap(\.downloadPartSize)), [1 << 20, 4 << 20, 16 << 20])
    }

    func testScoreModeIgnoresDownloadPartSizeAndSaysSo() throws {
        let scenario = try parse("""
            objects: {sizes: [30MiB]}
            grid: {DOWNLOAD_PARTSIZE: [8MiB, 64MiB], parallel: [2, 4]}
            """)
        XCTAssertEqual(scenario.mode, .score)
        XCTAssertEqual(try scenario.cells(defaults: defaults).count, 2)
        XCTAssertTrue(scenario.warnings.first?.contains("ignored in score mode") ?? false)
    }

    func testWeightedDistributionIsSeededAndFollowsTheWeights() throws {
        let text = """
            objects:
              distribution: [{size: 1MiB, weight: 9}, {size: 100MiB, weight: 1}]
              count: 400
              seed: 3
            """
        let a = try parse(text), b = try parse(text)
        XCTAssertEqual(a.objects, b.objects, "same seed, same objects")
        let small = a.objects.filter { $0.size == 1 << 20 }.count
        XCTAssertTrue((320...390).contains(small), "\(small) of 400 small objects for a 9:1 weighting")
    }

    func testUnknownKeyNamesLineAndSuggestsTheSpelling() {
        let message = error("""
            name: x
            objects: {sizes: [30MiB]}
            grid:
              UPLOAD_PARTSIZE: 20MiB
              Parallel: 4
            """)
        XCTAssertEqual(message, "s.yaml:5: grid.Parallel: unknown key (did you mean 'parallel'?)")
    }

    func testWrongUnitNamesLineAndKey() {
        let message = error("""
            objects:
              sizes: [30MiB]
            grid:
              UPLOAD_PARTSIZE: [20MiB, 64MiBs]
            """)
        XCTAssertEqual(message, "s.yaml:4: grid.UPLOAD_PARTSIZE[1]: '64MiBs': unknown unit 'MiBs' (known: KiB, MiB, GiB, TiB, PiB, KB, MB, GB, TB, PB, k, B)")
        XCTAssertEqual(error("objects: {sizes: [30MiB]}\nbudget: 5 minutes\n"),
                       "s.yaml:2: budget: '5 minutes': unknown unit 'minutes' (known: ms, s, m, h)")
    }

    func testPartSizeLimits() {
        XCTAssertEqual(error("objects: {sizes: [30MiB]}\ngrid:\n  UPLOAD_PARTSIZE: [4MiB]\n"),
                       "s.yaml:3: grid.UPLOAD_PARTSIZE[0]: 4MiB is below S3's 5MiB minimum part size")
        XCTAssertEqual(error("mode: multipart\nobjects: {sizes: [30MiB]}\ngrid:\n  UPLOAD_PARTSIZE: 6GiB\n"),
                       "s.yaml:4: grid.UPLOAD_PARTSIZE: 6GiB is above S3's 5GiB maximum part size")
        XCTAssertEqual(error("objects: {sizes: [30MiB]}\ngrid:\n  UPLOAD_PARTSIZE: 3GiB\n"),
                       "s.yaml:3: grid.UPLOAD_PARTSIZE: 3GiB does not fit Score's Java int (UPLOAD_PARTSIZE must stay below 2^31)")
    }

    func testTooManyPartsNamesTheCell() {
        let message = error("""
            mode: multipart
            objects: {sizes: [1GiB, 100GiB]}
            grid:
              UPLOAD_PARTSIZE: [64MiB, 8MiB]
            """)
        XCTAssertEqual(message, "s.yaml:4: grid.UPLOAD_PARTSIZE[1]: cell UPLOAD_PARTSIZE=8MiB: the largest object (100GiB) needs 12800 parts; S3 allows 10,000")
    }

    func testStructureErrors() {
        XCTAssertEqual(error("grid: {parallel: 2}\n"), "s.yaml:1: 'objects' is required (sizes or distribution, count, seed)")
        XCTAssertEqual(error("objects: {sizes: [30MiB]}\nrepetitions: many\n"), "s.yaml:2: repetitions: expected a whole number")
        XCTAssertEqual(error("objects: {sizes: [30MiB]}\nmode: fastest\n").hasPrefix("s.yaml:2: mode:"), true)
        XCTAssertEqual(error("objects: {sizes: [30MiB]}\ngrid: {parallel: [0]}\n"), "s.yaml:2: grid.parallel[0]: must be 1 to 256")
        XCTAssertEqual(error("objects: [\n").hasPrefix("s.yaml:2: is not valid YAML"), true)
        XCTAssertEqual(error("objects: {sizes: [30MiB], distribution: [{size: 1MiB, weight: 1}]}\n"), "s.yaml:1: objects: give either 'sizes' or 'distribution'")
    }
}
