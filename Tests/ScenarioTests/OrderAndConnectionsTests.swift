import Model
import Scenario
import XCTest

/// The scenario keys `order` and `grid.connections`: defaults, grid expansion, labels, errors.
final class OrderAndConnectionsTests: XCTestCase {
    func parse(_ text: String) throws -> Scenario { try ScenarioLoader.parse(text: text, path: "o.yaml") }
    let objects = "objects: {sizes: [8MiB], count: 2}\n"
    let defaults = Knobs(uploadPartSize: 20 << 20, downloadPartSize: nil, retryLimit: 5, connectTimeoutMilliseconds: 15_000,
                         stallTimeoutMilliseconds: 60_000, parallel: 6, clients: 1)

    func testRepetitionsInterleaveUnlessBlocked() throws {
        XCTAssertEqual(try parse(objects).order, .interleaved)
        XCTAssertEqual(try parse(objects + "order: blocked\n").order, .blocked)
        XCTAssertTrue(scenarioError(objects + "order: random\n", path: "o.yaml").contains("o.yaml:2: order"), "the line and key of the bad value")
    }

    func testConnectionsAreAGridDimension() throws {
        let scenario = try parse(objects + "grid: {parallel: [2, 4], connections: [warm, per-object, per-request]}\n")
        XCTAssertEqual(scenario.grid.connections, [.warm, .perObject, .perRequest])
        let cells = try scenario.plannedCells(defaults: defaults).cells
        XCTAssertEqual(cells.count, 6)
        XCTAssertEqual(Set(cells.map(\.connections)), [.warm, .perObject, .perRequest])
        XCTAssertTrue(cells.contains { $0.label.hasSuffix("conn=per-object") })
        XCTAssertFalse(cells.first { $0.connections == .warm }!.label.contains("conn="), "warm, the default, is not named")
        XCTAssertEqual(try parse(objects).plannedCells(defaults: defaults).cells.map(\.connections), [.warm])
    }

    func testBadConnectionsNameTheKey() {
        let message = scenarioError(objects + "grid: {connections: [warm, keepalive]}\n", path: "o.yaml")
        XCTAssertTrue(message.contains("grid.connections"), message)
        XCTAssertTrue(scenarioError(objects + "grid: {connections: []}\n", path: "o.yaml").contains("grid.connections: needs at least one value"))
    }
}
