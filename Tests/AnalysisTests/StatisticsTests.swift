import Analysis
import Foundation
import Model
import XCTest

/// The statistics on data whose truth is known.
final class StatisticsTests: XCTestCase {
    /// A seeded source of log-normal samples (a skewed, throughput-like distribution).
    struct Source {
        var generator: SplitMix64
        init(state: UInt64) { generator = SplitMix64(seed: state) }
        mutating func uniform() -> Double { generator.nextUnit() }
        mutating func normal() -> Double {
            (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform())
        }
        /// Median exp(mu).
        mutating func logNormal(mu: Double, sigma: Double) -> Double { exp(mu + sigma * normal()) }
    }

    func testPercentilesInterpolateLikeNumpy() {
        let values: [Double] = [1, 2, 3, 4, 10]
        XCTAssertEqual(Statistics.median(values), 3)
        XCTAssertEqual(Statistics.percentile(values, 25), 2)
        XCTAssertEqual(Statistics.percentile(values, 90)!, 7.6, accuracy: 1e-9)
        XCTAssertEqual(Statistics.median([4, 1, 3, 2]), 2.5)
        XCTAssertEqual(Statistics.coefficientOfVariation([10, 10, 10]), 0)
        XCTAssertNil(Statistics.median([]))
    }

    func testMannWhitneyDetectsATwentyPercentShift() {
        var source = Source(state: 5)
        let baseline = (0..<12).map { _ in source.logNormal(mu: log(200), sigma: 0.05) }
        let slower = (0..<12).map { _ in source.logNormal(mu: log(160), sigma: 0.05) }
        let result = Statistics.mannWhitneyLess(candidate: slower, baseline: baseline)!
        XCTAssertLessThan(result.p, 0.001)
        // The other way round there is no evidence of "smaller".
        XCTAssertGreaterThan(Statistics.mannWhitneyLess(candidate: baseline, baseline: slower)!.p, 0.99)
    }

    func testMannWhitneyRarelyFlagsIdenticalDistributions() {
        var source = Source(state: 9)
        var flagged = 0
        for _ in 0..<200 {
            let a = (0..<10).map { _ in source.logNormal(mu: log(200), sigma: 0.1) }
            let b = (0..<10).map { _ in source.logNormal(mu: log(200), sigma: 0.1) }
            if Statistics.mannWhitneyLess(candidate: b, baseline: a)!.p < 0.05 { flagged += 1 }
        }
        // At 95% confidence about 5% false alarms are expected; well under 10% here.
        XCTAssertLessThan(flagged, 20, "\(flagged) of 200 identical pairs flagged")
    }

    func testMannWhitneyHandlesTies() {
        let result = Statistics.mannWhitneyLess(candidate: [1, 1, 1, 1], baseline: [1, 1, 1, 1])!
        XCTAssertEqual(result.p, 0.5)
        XCTAssertEqual(result.u, 8)
    }

    func testUSLFitRecoversKnownParameters() {
        let truth = UniversalScalability(lambda: 150, sigma: 0.08, kappa: 0.002)
        let points = [1, 2, 4, 8, 16, 32].map { (n: Double($0), throughput: truth.throughput(Double($0))) }
        let fit = UniversalScalability.fit(points)!
        XCTAssertEqual(fit.lambda, 150, accuracy: 1.5)
        XCTAssertEqual(fit.sigma, 0.08, accuracy: 0.005)
        XCTAssertEqual(fit.kappa, 0.002, accuracy: 0.0002)
        XCTAssertEqual(fit.peakConcurrency!, ((1 - 0.08) / 0.002).squareRoot(), accuracy: 1.5)
    }

    func testUSLFitWithNoiseStaysClose() {
        var source = Source(state: 21)
        let truth = UniversalScalability(lambda: 100, sigma: 0.1, kappa: 0.01)
        let points = [1, 2, 3, 4, 6, 8, 12, 16].map { n in
            (n: Double(n), throughput: truth.throughput(Double(n)) * (1 + 0.02 * source.normal()))
        }
        let fit = UniversalScalability.fit(points)!
        XCTAssertEqual(fit.sigma, 0.1, accuracy: 0.05)
        XCTAssertEqual(fit.kappa, 0.01, accuracy: 0.005)
        XCTAssertNil(UniversalScalability.fit([(1, 10), (2, 19)]), "two concurrency levels cannot fit three parameters")
    }
}
