import Model
import Scenario
import XCTest

final class UnitsTests: XCTestCase {
    func testSizesTakeBinaryAndDecimalUnits() throws {
        XCTAssertEqual(try Units.parseSize("20MiB").get(), 20_971_520)
        XCTAssertEqual(try Units.parseSize("250MB").get(), 250_000_000)
        XCTAssertEqual(try Units.parseSize("1GiB").get(), 1 << 30)
        XCTAssertEqual(try Units.parseSize("1.5GiB").get(), 3 << 29)
        XCTAssertEqual(try Units.parseSize("4096").get(), 4096)
        XCTAssertEqual(try Units.parseSize(" 8 KiB ").get(), 8192)
    }

    func testHumanSizesAreExactWhenWholeAndOneDecimalOtherwise() {
        XCTAssertEqual(Units.humanSize(33_554_432), "32MiB")
        XCTAssertEqual(Units.humanSize(20_000_000), "20MB")
        XCTAssertEqual(Units.humanSize(100_000_001), "95.4MiB")
        XCTAssertEqual(Units.humanSize(1000), "1KB")
        XCTAssertEqual(Units.humanSize(999), "999B")
        XCTAssertEqual(Units.humanSize(10752 << 20), "10.5GiB")
        XCTAssertEqual(Units.humanSize(1 << 30), "1GiB")
    }

    func testDurationsTakeUnits() throws {
        XCTAssertEqual(try Units.parseDuration("500ms").get(), 500)
        XCTAssertEqual(try Units.parseDuration("15s").get(), 15_000)
        XCTAssertEqual(try Units.parseDuration("2m").get(), 120_000)
        XCTAssertEqual(try Units.parseDuration("250").get(), 250)
    }

    func testWrongUnitsSayWhatIsKnown() {
        guard case .failure(let error) = Units.parseSize("20MiBs") else { return XCTFail("accepted 20MiBs") }
        XCTAssertTrue(error.message.contains("unknown unit 'MiBs'"), error.message)
        guard case .failure(let seconds) = Units.parseSize("15s") else { return XCTFail("a duration accepted as a size") }
        XCTAssertTrue(seconds.message.contains("unknown unit 's'"), seconds.message)
        guard case .failure(let fraction) = Units.parseSize("1.5") else { return XCTFail("half a byte accepted") }
        XCTAssertTrue(fraction.message.contains("whole number of bytes"), fraction.message)
        guard case .failure(let text) = Units.parseDuration("soon") else { return XCTFail("'soon' accepted") }
        XCTAssertTrue(text.message.contains("is not a duration"), text.message)
    }

    func testFormattingPicksTheExactUnit() {
        XCTAssertEqual(Units.formatSize(64 << 20), "64MiB")
        XCTAssertEqual(Units.formatSize(250_000_000), "250MB")
        XCTAssertEqual(Units.formatSize(1234), "1234B")
        XCTAssertEqual(Units.formatDuration(15_000), "15s")
        XCTAssertEqual(Units.formatDuration(1500), "1500ms")
    }
}
