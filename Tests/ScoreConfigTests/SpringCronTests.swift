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

    /// Parse results of Spring 6.0.0, 6.1.16 and 6.2.19's CronExpression.parse for each expression
    /// (compiled from Spring's sources and run; all three agree).
    func testParsesExactlyWhatSpringParses() {
        let accepted = ["0 0 0 * * MON-SUN", "0 0 0 * * SUN-SAT", "0 0 0 * * 7-1", "0 0 0 * * 0-7", "0 0 0 * * sun", "0 0 0 ? * ?",
                        "0 0 0 L * ?", "0 0 0 LW * ?", "0 0 0 15W * ?", "0 0 0 L-3 * ?", "0 0 0 ? * 5L", "0 0 0 ? * MON#2",
                        "0 0 0 ? * 1#6", "+5 * * * * ?", "05 * * * * ?", "0 0 0 1,L * ?", "5-5 * * * * ?", "@DAILY", "@daily",
                        "0  0 0 * * ?", "0 \t0 0 * * ?", " 0 0 0 * * ? ", "0 0 0 ? * fril", "0 0 0 ? * MON#2,FRIL"]
        let refused = ["0 0 0 * * 1-0", "*/0 * * * * ?", "60 * * * * ?", "0 0 24 * * ?", "0 0 0 0 * ?", "0 0 0 32 * ?",
                       "0 0 0 * 0 ?", "0 0 0 * 13 ?", "0 0 0 * * 8", "0 0 0 * * ?,MON", "10-5 * * * * ?", "0\t0 0 * * ?",
                       "0 0 * * *", "x 0 0 * * ?", "0 5-1 * * * ?", "0 0 0 l * ?", "0 0 0 L3 * ?", "0 0 0 0W * ?", "0 0 0 ? * L",
                       "0 0 0 ? * 8L", "0 0 0 ? * 1#0", "0 0 0 1, * ?", "? * * * * ?", "", "0 0 0 * * * 2026", "@often"]
        for expression in accepted { XCTAssertNoThrow(try SpringCron(expression), expression) }
        for expression in refused { XCTAssertThrowsError(try SpringCron(expression), expression.debugDescription) }
    }

    /// Firing dates Spring 6.2.19's `next()` gives from 2025-01-01T00:00:00Z.
    func testQuartzFormsFireWhereSpringDoes() throws {
        let start = Date(timeIntervalSince1970: 1_735_689_600)
        XCTAssertEqual(iso(try SpringCron("0 0 0 L-3 * ?").nextFirings(after: start, count: 2)), ["2025-01-28T00:00:00Z", "2025-02-25T00:00:00Z"])
        XCTAssertEqual(iso(try SpringCron("0 0 0 ? * 1#5").nextFirings(after: start, count: 2)), ["2025-03-31T00:00:00Z", "2025-06-30T00:00:00Z"])
        XCTAssertEqual(iso(try SpringCron("0 0 0 1 * MON").nextFirings(after: start, count: 3)),
                       ["2025-09-01T00:00:00Z", "2025-12-01T00:00:00Z", "2026-06-01T00:00:00Z"])
        XCTAssertEqual(iso(try SpringCron("0 0 0 29 2 ?").nextFirings(after: start, count: 2)), ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"])
        XCTAssertEqual(iso(try SpringCron("0 0 0 LW * ?").nextFirings(after: start, count: 2)), ["2025-01-31T00:00:00Z", "2025-02-28T00:00:00Z"])
        XCTAssertTrue(try SpringCron("0 0 0 ? * 1#6").nextFirings(after: start).isEmpty)
        XCTAssertFalse(try SpringCron("0 0 0 31 2 ?").firesEver)
        XCTAssertTrue(try SpringCron("0 0 0 * * SUN-SAT").firesEver)
    }
}
