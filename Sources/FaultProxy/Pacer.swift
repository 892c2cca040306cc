import NIOConcurrencyHelpers

/// A link of fixed rate: each chunk occupies it for bytes / rate seconds, one after another, so a
/// chunk can leave no earlier than the previous one finished. Shared pacers are locked; a
/// connection's own pacer is used on its event loop only, but taking an uncontended lock is cheap.
final class Pacer: @unchecked Sendable {
    private let lock = NIOLock()
    private let bytesPerNanosecond: Double
    private var busyUntil: UInt64 = 0

    init(bytesPerSecond: Double) {
        bytesPerNanosecond = bytesPerSecond / 1e9
    }

    /// Reserves the link for `bytes` starting no earlier than `now`; returns when they are through.
    func reserve(_ bytes: Int, now: UInt64) -> UInt64 {
        lock.withLock {
            let start = max(now, busyUntil)
            busyUntil = start + UInt64(Double(bytes) / bytesPerNanosecond)
            return busyUntil
        }
    }
}

/// A small seeded generator (SplitMix64) so the same profile injects the same faults.
struct FaultDice {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func roll() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}
