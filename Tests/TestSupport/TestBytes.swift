/// Deterministic, non-repeating test bytes (a 64-bit LCG stream), so a test can recompute what it
/// uploaded instead of keeping a copy.
public func testBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    var out = [UInt8](repeating: 0, count: count)
    for i in 0..<count {
        if i % 8 == 0 { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 }
        out[i] = UInt8(truncatingIfNeeded: state >> (56 - 8 * UInt64(i % 8)))
    }
    return out
}
