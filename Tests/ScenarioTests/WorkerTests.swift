import Model
import XCTest

/// Which worker a process is: from `--worker K/N`, else from Slurm's or a Kubernetes Indexed Job's
/// variables; every mistake one line naming the flag or variable.
final class WorkerTests: XCTestCase {
    func resolve(_ flag: String? = nil, workers: Int? = nil, tag: String? = nil, env: [String: String] = [:]) throws -> Worker? {
        try Worker.resolve(flag: flag, workers: workers, tag: tag, environment: env)
    }

    func message(_ flag: String? = nil, workers: Int? = nil, tag: String? = nil, env: [String: String] = [:]) -> String {
        do { _ = try Worker.resolve(flag: flag, workers: workers, tag: tag, environment: env); return "" } catch { return error.description }
    }

    func testTheFlagThenSlurmThenAnIndexedJob() throws {
        XCTAssertNil(try resolve())
        XCTAssertEqual(try resolve("2/4", tag: "night"), Worker(rank: 2, count: 4, tag: "night"))
        // The flag wins over the environment.
        XCTAssertEqual(try resolve("1/2", tag: "t", env: ["SLURM_PROCID": "5", "SLURM_NTASKS": "8"]), Worker(rank: 1, count: 2, tag: "t"))
        XCTAssertEqual(try resolve(workers: 8, env: ["SLURM_PROCID": "3", "SLURM_NTASKS": "8", "SLURM_JOB_ID": "77"]), Worker(rank: 3, count: 8, tag: "slurm-77"))
        XCTAssertEqual(try resolve(tag: "n", env: ["SLURM_PROCID": "3", "SLURM_NTASKS": "8"]), Worker(rank: 3, count: 8, tag: "n"))
        // A plain run inside a batch job or a pod is not a worker unless asked to be.
        XCTAssertNil(try resolve(env: ["SLURM_PROCID": "0", "SLURM_NTASKS": "1", "SLURM_JOB_ID": "78"]))
        XCTAssertNil(try resolve(env: ["JOB_COMPLETION_INDEX": "0"]))
        XCTAssertEqual(try resolve(workers: 6, tag: "k8s", env: ["JOB_COMPLETION_INDEX": "5"]), Worker(rank: 5, count: 6, tag: "k8s"))
    }

    func testMistakesNameTheFlagOrVariable() {
        XCTAssertTrue(message("3", tag: "t").hasPrefix("--worker 3: give RANK/COUNT"))
        XCTAssertTrue(message("4/4", tag: "t").contains("rank 4 is outside 0 to 3"))
        XCTAssertTrue(message("0/0", tag: "t").contains("count 0 is outside 1 to 1024"))
        XCTAssertTrue(message("0/99999999999999999999", tag: "t").hasPrefix("--worker"))
        XCTAssertTrue(message("0/2").contains("needs --tag"))
        XCTAssertTrue(message("0/2", tag: "a.b").contains("may hold only letters, digits"))
        XCTAssertTrue(message("0/2", workers: 3, tag: "t").contains("disagree"))
        XCTAssertTrue(message(workers: 2).contains("need a rank"))
        XCTAssertTrue(message(tag: "t", env: ["JOB_COMPLETION_INDEX": "1"]).contains("give --workers N"))
        XCTAssertTrue(message(tag: "t", env: ["SLURM_PROCID": "x"]).contains("SLURM_PROCID is not a number"))
    }

    func testEachObjectHasOneOwnerAndTagsDoNotOverlap() {
        let workers = (0..<3).map { Worker(rank: $0, count: 3, tag: "t") }
        for index in 0..<10 { XCTAssertEqual(workers.filter { $0.owns(objectIndex: index) }.count, 1) }
        // A tag's prefix never starts another tag's ids ("a" is not a prefix of "ab"'s ids).
        XCTAssertFalse(Worker(rank: 0, count: 1, tag: "ab").objectIdPrefix.hasPrefix(Worker.objectIdPrefix(tag: "a")))
        XCTAssertTrue(Worker(rank: 12, count: 13, tag: "a").objectIdPrefix.hasPrefix(Worker.objectIdPrefix(tag: "a")))
        XCTAssertFalse(Worker(rank: 0, count: 1, tag: "a-w1").objectIdPrefix.hasPrefix(Worker.objectIdPrefix(tag: "a")))
    }

    /// grid.workers: in a cell where the first 2 of 4 workers move objects, they share all the
    /// objects between them and the other two own none.
    func testACellWithFewerWorkersSharesTheObjectsAmongTheFirst() {
        let workers = (0..<4).map { Worker(rank: $0, count: 4, tag: "t") }
        for index in 0..<6 {
            XCTAssertEqual(workers.filter { $0.owns(objectIndex: index, amongFirst: 2) }.map(\.rank), [index % 2])
        }
        XCTAssertEqual(workers.filter { $0.owns(objectIndex: 5, amongFirst: 9) }.map(\.rank), [1], "more than started: all of them")
    }
}
