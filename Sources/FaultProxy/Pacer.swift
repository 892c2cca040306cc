import NIOConcurrencyHelpers

/// A link of fixed rate: each chunk occupies it for bytes / rate seconds, one after another, so a
/// chunk can leave no earlier than the previous one finished. Shared pacers are locked; a
/// connection's own pacer is used on its event loop only, but taking an uncontended lock is cheap.
/// Sendable: `busyUntil` only under `lock`.
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
