@testable import Workload
import XCTest

/// Reading the client's load from /proc/stat text, recorded from this machine (Linux 6.x).
final class ClientLoadTests: XCTestCase {
    let before = """
        cpu  1561313 1203 146229 1316072 11869 0 14519 24817 0 0
        cpu0 780000 600 73000 658000 5900 0 7200 12400 0 0
        cpu1 781313 603 73229 658072 5969 0 7319 12417 0 0
        intr 123456 0 0
        ctxt 987654
        btime 1764633600
        processes 7409
        procs_running 3
        procs_blocked 0
        """
    let after = """
        cpu  1561493 1203 146249 1316082 11869 0 14519 24817 0 0
        cpu0 780100 600 73010 658005 5900 0 7200 12400 0 0
        cpu1 781393 603 73239 658077 5969 0 7319 12417 0 0
        procs_running 6
        procs_blocked 1
        """

    func testTheCPULineAndRunnableTasksAreRead() throws {
        let load = try XCTUnwrap(ClientLoad.parse(before))
        // total = sum of the first eight fields; idle = idle + iowait.
        XCTAssertEqual(load.hostTotal, 1561313 + 1203 + 146229 + 1316072 + 11869 + 0 + 14519 + 24817)
        XCTAssertEqual(load.hostBusy, load.hostTotal - 1316072 - 11869)
        XCTAssertEqual(load.runnable, 3)
        XCTAssertEqual(load.cores, 2, "one cpuN line per core")
    }

    func testBetweenTwoSamples() throws {
        let start = try XCTUnwrap(ClientLoad.parse(before)), end = try XCTUnwrap(ClientLoad.parse(after))
        let load = ClientLoad.between(start, end)
        // 180 + 20 busy jiffies of 210 in all.
        XCTAssertEqual(try XCTUnwrap(load.hostCPU), 200.0 / 210.0, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(load.runnablePerCore), 2.25, accuracy: 1e-9, "(3 + 6) / 2 tasks over 2 cores")
        XCTAssertNil(ClientLoad.between(end, start).hostCPU, "a clock that went backwards tells nothing")
        XCTAssertNil(ClientLoad.between(nil, end).hostCPU)
    }

    func testTextWithoutTheLinesTellsNothing() {
        XCTAssertNil(ClientLoad.parse("cpu  1 2 3\nprocs_running 2"))
        XCTAssertNil(ClientLoad.parse("procs_running 2"))
        XCTAssertNil(ClientLoad.parse(""))
    }

    func testThisMachineIsReadable() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/proc/stat"), "no /proc/stat here")
        let load = try XCTUnwrap(ClientLoad.sample())
        XCTAssertGreaterThan(load.hostTotal, load.hostBusy)
        XCTAssertGreaterThanOrEqual(load.runnable, 1, "this test itself is running")
    }
}
