import Model
import XCTest

/// Expected values worked out by hand from Score's SimplePartCalculator (score-facts.md).
final class PartCalculatorTests: XCTestCase {
    let MiB: Int64 = 1 << 20

    func testDefaultRisesToTwentyMiB() {
        let calc = PartCalculator(uploadPartSize: 20_000_000)
        XCTAssertEqual(calc.partSize(forObjectOfSize: 1_000_000_000), 20_971_520)
    }

    func testSmallConfiguredSizesRiseToTheFloor() {
        XCTAssertEqual(PartCalculator(uploadPartSize: 1_048_576).partSize(forObjectOfSize: 100), 20_971_520)
        XCTAssertEqual(PartCalculator(uploadPartSize: 104_587).partSize(forObjectOfSize: 5_000_000_000), 20_971_520)
    }

    func testLargeConfiguredSizeIsKept() {
        XCTAssertEqual(PartCalculator(uploadPartSize: 67_108_864).partSize(forObjectOfSize: 300_000_000_000), 67_108_864)
    }

    func testTenThousandPartLimit() {
        // 1 TiB / 10000 = 109951162 (integer division), + 1.
        let calc = PartCalculator(uploadPartSize: 20_000_000)
        XCTAssertEqual(calc.partSize(forObjectOfSize: 1 << 40), 109_951_163)
        let parts = calc.divide(objectSize: 1 << 40)
        XCTAssertEqual(parts.count, 10_000)
        XCTAssertEqual(parts.last?.size, 109_948_939)  // 1099511627776 - 9999 * 109951163
        XCTAssertEqual(parts.last?.offset, 1_099_401_678_837)
        // Just past 10,000 × 20 MiB the per-part term takes over.
        XCTAssertEqual(calc.partSize(forObjectOfSize: 10_000 * 20 * MiB + 10_000), 20_971_522)
    }

    func testLayoutOfASmallObject() {
        let parts = PartCalculator(uploadPartSize: 1_048_576).divide(objectSize: 100_000_000)
        XCTAssertEqual(parts.map(\.size), [20_971_520, 20_971_520, 20_971_520, 20_971_520, 16_113_920])
        XCTAssertEqual(parts.map(\.number), [1, 2, 3, 4, 5])
        XCTAssertEqual(parts[3].offset, 62_914_560)
        XCTAssertTrue(PartCalculator(uploadPartSize: 0).divide(objectSize: 0).isEmpty)
        XCTAssertEqual(parts.last?.rangeHeader, "bytes=83886080-99999999", "the range that fetches the last part")
    }

    /// Score reads UPLOAD_PARTSIZE as a Java int: a value past Int32 (refused by the checks) is
    /// clamped, never wrapped into a negative part.
    func testPartSizesPastJavaIntAreClamped() {
        XCTAssertEqual(PartCalculator(uploadPartSize: Int64(Int32.max) + 1).minPartSize, Int64(Int32.max))
        XCTAssertEqual(PartCalculator(uploadPartSize: -5).minPartSize, PartCalculator.minimumPartSize)
    }

    func testJavaIntOverflowIsReproduced() {
        // objectSize / 10000 = 2^31 wraps to Int.MIN in Java's (int) cast; +1 stays negative,
        // so Score falls back to the floor and would need far more than 10,000 parts.
        let calc = PartCalculator(uploadPartSize: 20_000_000)
        XCTAssertEqual(calc.partSize(forObjectOfSize: 21_474_836_480_000), 20_971_520)
    }
}
