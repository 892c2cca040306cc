import Foundation

/// Gunther's Universal Scalability Law: X(N) = λN / (1 + σ(N − 1) + κN(N − 1)), where σ is
/// contention (queueing for a shared resource) and κ coherence (crosstalk that makes more
/// concurrency slower). Fitted by least squares on measured (concurrency, throughput) points.
public struct UniversalScalability: Sendable, Equatable, Encodable {
    public var lambda: Double
    public var sigma: Double
    public var kappa: Double

    public init(lambda: Double, sigma: Double, kappa: Double) {
        self.lambda = lambda
        self.sigma = sigma
        self.kappa = kappa
    }

    public func throughput(_ n: Double) -> Double { lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1)) }

    /// The concurrency of highest throughput: √((1 − σ) / κ); unbounded without coherence.
    public var peakConcurrency: Double? {
        guard kappa > 0 else { return nil }
        return ((1 - sigma) / kappa).squareRoot()
    }

    /// λ from the point of lowest concurrency (λ ≈ X(1)); then, for each candidate λ on a fine
    /// grid around it, σ and κ by linear least squares on N/(X/λ) − 1 = σ(N−1) + κN(N−1),
    /// keeping the λ with the smallest squared error in throughput.
    public static func fit(_ points: [(n: Double, throughput: Double)]) -> UniversalScalability? {
        let usable = points.filter { $0.n >= 1 && $0.throughput > 0 }
        guard Set(usable.map(\.n)).count >= 3 else { return nil }
        let first = usable.min { $0.n < $1.n }!
        let base = first.throughput / first.n
        var best: (UniversalScalability, Double)?
        for step in 0...400 {
            let lambda = base * (0.8 + 0.001 * Double(step))
            guard let model = coefficients(usable, lambda: lambda) else { continue }
            let error = usable.reduce(0.0) { $0 + pow(model.throughput($1.n) - $1.throughput, 2) }
            if best == nil || error < best!.1 { best = (model, error) }
        }
        return best?.0
    }

    private static func coefficients(_ points: [(n: Double, throughput: Double)], lambda: Double) -> UniversalScalability? {
        // y = σ a + κ b, with a = N − 1, b = N(N − 1), y = λN/X − 1; no intercept.
        var saa = 0.0, sab = 0.0, sbb = 0.0, say = 0.0, sby = 0.0
        for p in points {
            let a = p.n - 1, b = p.n * (p.n - 1), y = lambda * p.n / p.throughput - 1
            saa += a * a; sab += a * b; sbb += b * b; say += a * y; sby += b * y
        }
        let det = saa * sbb - sab * sab
        guard det.magnitude > 1e-12 else { return nil }
        var sigma = (say * sbb - sby * sab) / det
        var kappa = (saa * sby - sab * say) / det
        // Both are non-negative by definition: refit one alone when the other goes below zero.
        if kappa < 0 { kappa = 0; sigma = saa > 0 ? max(0, say / saa) : 0 }
        if sigma < 0 { sigma = 0; kappa = sbb > 0 ? max(0, sby / sbb) : 0 }
        return UniversalScalability(lambda: lambda, sigma: sigma, kappa: kappa)
    }
}
