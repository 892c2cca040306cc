import Foundation
import ScoreConfig
import XCTest

final class SpringCronTests: XCTestCase {
    // 2026-11-25 06:30:15 UTC, a Wednesday.
    let now = Date(timeIntervalSince1970: 1_796_106_615 - 518_400)

    func iso(_ dates: [Date]) -> [String] {
        let f = ISO8601DateFormatter()
        return dates.map { f.string(from: $0) }
    }

    func testScoreDefaultFiresAtMidnight() throws {
        XCTAssertEqual(iso(try SpringCron("0 0 0 * * ?").nextFirings(after: now)),
                       ["2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z"])
    }

    func testStepsRangesAndNames() throws {
        XCTAssertEqual(iso(try SpringCron("0 */20 7-8 ? * WED").nextFirings(after: now)),
                       ["2026-11-25T07:00:00Z", "2026-11-25T07:20:00Z", "2026-11-25T07:40:00Z"])
        XCTAssertEqual(iso(try SpringCron("30 15 6 1 JAN,JUL *").nextFirings(after: now, count: 2)),
                       ["2027-01-01T06:15:30Z", "2027-07-01T06:15:30Z"])
        XCTAssertEqual(iso(try SpringCron("0 0 12 ? * 0").nextFirings(after: now, count: 1)), ["2026-11-29T12:00:00Z"])
        XCTAssertEqual(iso(try SpringCron("0 0 12 ? * 7").nextFirings(after: now, count: 1)), ["2026-11-29T12:00:00Z"])
        XCTAssertEqual(iso(try SpringCron("@hourly").nextFirings(after: now, count: 1)), ["2026-11-25T07:00:00Z"])
    }

    func testNeverFiringExpressionEndsTheSearch() throws {
        XCTAssertTrue(try SpringCron("0 0 0 31 FEB ?").nextFirings(after: now).isEmpty)
    }

    func testInvalidExpressions() {
        for bad in ["0 0 * * *", "0 60 * * * ?", "x 0 0 * * ?", "0 0 0 L * ?", "0 0 0 * 13 ?", "0 5-1 * * * ?", "0 */0 * * * ?"] {
            XCTAssertThrowsError(try SpringCron(bad), bad)
        }
    }
}
