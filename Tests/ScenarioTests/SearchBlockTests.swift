import Model
import Scenario
import XCTest

/// The scenario's `search:` block and the pruning a search does before any trial.
final class SearchBlockTests: XCTestCase {
    func parse(_ text: String) throws -> Scenario { try ScenarioLoader.parse(text: text, path: "t.yaml") }
    let objects = "objects: {sizes: [64MiB], count: 1}\n"
    let defaults = Knobs(uploadPartSize: 20 << 20, downloadPartSize: nil, retryLimit: 5, connectTimeoutMilliseconds: 15_000,
                         stallTimeoutMilliseconds: 60_000, parallel: 6, clients: 1)

    func testDefaultsAndValues() throws {
        XCTAssertEqual(try parse(objects).search, .grid, "no search block: the whole grid")
        let scenario = try parse(objects + "budget: 1h\nsearch: {strategy: halving, eta: 4, initial_rounds: 2, objective: upload, budget: {time: 15m, trials: 400}, max_memory: 1GiB}\n")
        XCTAssertEqual(scenario.search.strategy, .halving)
        XCTAssertEqual(scenario.search.eta, 4)
        XCTAssertEqual(scenario.search.initialRounds, 2)
        XCTAssertEqual(scenario.search.objective, .upload)
        XCTAssertEqual(scenario.search.trialBudget, 400)
        XCTAssertEqual(scenario.search.maxMemory, 1 << 30)
        XCTAssertEqual(scenario.budgetMilliseconds, 900_000, "the smaller of the two time budgets")
    }

    func testBadValuesNameLineAndKey() {
        XCTAssertTrue(scenarioError(objects + "search:\n  strategy: halving\n  eta: 1\n", path: "t.yaml").hasPrefix("t.yaml:4: search.eta: must be 2 to 16"))
        XCTAssertTrue(scenarioError(objects + "search: {strategy: bisect}\n", path: "t.yaml").contains("t.yaml:2: search.strategy"))
        XCTAssertTrue(scenarioError(objects + "search: {strategy: halving, initial_rounds: 9}\n", path: "t.yaml")
            .contains("search.initial_rounds: must be 1 to the scenario's repetitions (3)"))
        XCTAssertTrue(scenarioError(objects + "search: {strategy: halving, budget: {trials: 0}}\n", path: "t.yaml").contains("search.budget.trials"))
        XCTAssertTrue(scenarioError(objects + "search: {strategy: halving, budget: {cells: 3}}\n", path: "t.yaml").contains("search.budget.cells: unknown key"))
        XCTAssertTrue(scenarioError(objects + "order: blocked\nsearch: {strategy: halving}\n", path: "t.yaml").contains("remove order: blocked"))
        XCTAssertTrue(scenarioError(objects + "search: {eta: 3}\n", path: "t.yaml").contains("belong to strategy: halving"))
        XCTAssertTrue(scenarioError(objects + "grid: {parallel: 4}\nsearch: {strategy: ramp}\n", path: "t.yaml")
            .contains("a ramp climbs grid.clients: give it at least two values"))
        XCTAssertTrue(scenarioError(objects + "search: {strategy: halving, min_gain: 0.3}\n", path: "t.yaml").contains("search.min_gain: belongs to strategy: ramp"))
        XCTAssertTrue(scenarioError(objects + "grid: {parallel: [1, 4]}\nsearch: {strategy: ramp, min_gain: 2}\n", path: "t.yaml").contains("0 to 1"))
    }

    func testARampClimbsParallelWhenTheGridVariesIt() throws {
        XCTAssertEqual(try parse(objects + "grid: {parallel: [1, 4, 16]}\nsearch: {strategy: ramp}\n").search.rampKnob, .parallel)
        let clients = try parse(objects + "grid: {clients: [1, 2, 4]}\nsearch: {strategy: ramp, min_gain: 0.5}\n").search
        XCTAssertEqual(clients.rampKnob, .clients)
        XCTAssertEqual(clients.minGain, 0.5)
    }

    func testCellsOverTheMemoryBudgetArePrunedWithTheirReason() throws {
        let scenario = try parse(objects + "grid: {UPLOAD_PARTSIZE: [20MiB, 64MiB], parallel: [2, 8]}\nsearch: {strategy: halving, max_memory: 256MiB}\n")
        let pruning = SearchPruning(cells: try scenario.plannedCells(defaults: defaults).cells, scenario: scenario, defaults: defaults, storeIsLocal: false)
        XCTAssertEqual(pruning.kept.count, 3)
        XCTAssertEqual(pruning.pruned.map(\.knobs.parallel), [8])
        XCTAssertEqual(pruning.pruned.first?.knobs.uploadPartSize, 64 << 20)
        XCTAssertTrue(pruning.pruned[0].reason.contains("512MiB of client memory (64MiB × parallel 8 × clients 1), over search.max_memory 256MiB"),
                      pruning.pruned[0].reason)
    }

    /// On a network without faults a retry limit is never used and a generous timeout never fires:
    /// one of them is measured, the .env.score's own value when the grid has it.
    func testRetryAndTimeoutVariantsOnAFaultlessNetworkAreMeasuredOnce() throws {
        let text = objects + """
            networks:
              clean: {rtt: 40ms}
              lossy: {rtt: 40ms, faults: {reset: 0.01}}
            grid: {network: [clean, lossy], UPLOAD_RETRY_LIMIT: [2, 5, 10], UPLOAD_CONNECTIONTIMEOUT: [50ms, 15s]}
            search: {strategy: halving}

            """
        let scenario = try parse(text)
        let pruning = SearchPruning(cells: try scenario.plannedCells(defaults: defaults).cells, scenario: scenario, defaults: defaults, storeIsLocal: false)
        let clean = pruning.kept.filter { $0.network == "clean" }
        XCTAssertEqual(clean.count, 2, "a 50 ms connect timeout can fire at 40 ms RTT, 15 s cannot; the retry limit cannot matter")
        XCTAssertEqual(Set(clean.map(\.retryLimit)), [5], "the .env.score's retry limit is the one measured")
        XCTAssertEqual(pruning.kept.filter { $0.network == "lossy" }.count, 6, "faults make every retry limit and timeout count")
        XCTAssertEqual(pruning.pruned.count, 4)
        XCTAssertTrue(pruning.pruned.allSatisfy { $0.reason.contains("network clean plays no faults") }, "\(pruning.pruned.map(\.reason))")
    }

    /// Straight to the store, retry limits are measured once only when the store is on this machine:
    /// a remote store may throttle (503) or fail by itself.
    func testTheDirectPathIsFaultlessOnlyToALocalStore() throws {
        let scenario = try parse(objects + "grid: {UPLOAD_RETRY_LIMIT: [2, 5, 10]}\nsearch: {strategy: halving}\n")
        let cells = try scenario.plannedCells(defaults: defaults).cells
        XCTAssertEqual(SearchPruning(cells: cells, scenario: scenario, defaults: defaults, storeIsLocal: false).kept.count, 3)
        let local = SearchPruning(cells: cells, scenario: scenario, defaults: defaults, storeIsLocal: true)
        XCTAssertEqual(local.kept.map(\.retryLimit), [5])
        XCTAssertTrue(local.pruned.allSatisfy { $0.reason.hasPrefix("the loopback path to the store plays no faults") }, "\(local.pruned)")
    }
}
