import Hashing
import Workload
import XCTest

final class SyntheticObjectTests: XCTestCase {
    let object = SyntheticObject(seed: 42, index: 3, size: 3 << 20)

    func bytes(_ object: SyntheticObject, offset: Int64, count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { object.fill($0, at: offset) }
        return out
    }

    /// Known answers, recorded by scripts/tests/payload-vectors.py (the generator's definition
    /// written again in plain Python, not this code). The `digests` table caches
    /// MD5s across runs by (seed, object, size, part size): if these bytes ever change, old
    /// databases would hold wrong digests, so a change here must also change the cache's key.
    func testKnownAnswerVectors() {
        let vectors: [(seed: UInt64, index: Int, offset: Int64, first: String, md5OfMiB: String)] = [
            (1, 0, 0, "a10fc70e301ac685780befe1a6c25249", "ecd7a4302699b6e47f005b631482bd5c"),
            (42, 3, 1_000_003, "b9f8e035e4b6bed95b907aed10f047c1", "97c40767d7d22539bcfbf95d85f3adb9"),
            (0xDEAD_BEEF, 7, 5 << 30, "14537878cea16bdec661b09cacb27cf3", "a6150cc9dbfd3e540707ccef9a02ff5a"),
        ]
        for v in vectors {
            let object = SyntheticObject(seed: v.seed, index: v.index, size: 6 << 30)
            let mebibyte = bytes(object, offset: v.offset, count: 1 << 20)
            XCTAssertEqual(mebibyte.prefix(16).hexString, v.first, "first bytes of (\(v.seed), \(v.index), \(v.offset))")
            XCTAssertEqual(Digest.hash(.md5, mebibyte).hexString, v.md5OfMiB, "MD5 of 1 MiB at (\(v.seed), \(v.index), \(v.offset))")
        }
    }

    func testAnyRangeEqualsTheSameSliceOfTheWhole() {
        let whole = bytes(object, offset: 0, count: 70_000)
        for (offset, count) in [(0, 1), (1, 7), (3, 8), (5, 13), (8, 4096), (4095, 4099), (12_345, 50_000)] {
            XCTAssertEqual(bytes(object, offset: Int64(offset), count: count), Array(whole[offset..<offset + count]),
                           "offset \(offset), \(count) bytes")
        }
        // Into a buffer that is not 8-byte aligned.
        var unaligned = [UInt8](repeating: 0, count: 1001)
        unaligned.withUnsafeMutableBytes { raw in object.fill(UnsafeMutableRawBufferPointer(rebasing: raw[1...]), at: 16) }
        XCTAssertEqual(Array(unaligned[1...]), Array(whole[16..<1016]))
    }

    func testSeedAndIndexChangeTheBytes() {
        let base = bytes(object, offset: 0, count: 256)
        XCTAssertNotEqual(bytes(SyntheticObject(seed: 43, index: 3, size: 1), offset: 0, count: 256), base)
        XCTAssertNotEqual(bytes(SyntheticObject(seed: 42, index: 4, size: 1), offset: 0, count: 256), base)
        XCTAssertEqual(bytes(SyntheticObject(seed: 42, index: 3, size: 1), offset: 0, count: 256), base)
    }

    func testBytesLookRandom() {
        // Incompressible data has every byte value about equally often and no repeated blocks.
        let sample = bytes(object, offset: 0, count: 1 << 20)
        var counts = [Int](repeating: 0, count: 256)
        for byte in sample { counts[Int(byte)] += 1 }
        let expected = Double(sample.count) / 256
        let chiSquare = counts.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
        XCTAssertLessThan(chiSquare, 400, "255 degrees of freedom: ~255 expected for uniform bytes")
        XCTAssertNotEqual(Array(sample[0..<4096]), Array(sample[4096..<8192]))
    }

    func testMismatchFindsTheFirstDifferentByte() {
        var data = bytes(object, offset: 1000, count: 20_000)
        XCTAssertNil(data.withUnsafeBytes { object.firstMismatch($0, at: 1000) })
        data[12_345] ^= 0x01
        data[15_000] ^= 0xff
        XCTAssertEqual(data.withUnsafeBytes { object.firstMismatch($0, at: 1000) }, 12_345)
        XCTAssertEqual(data.withUnsafeBytes { object.firstMismatch($0, at: 1001) }, 0, "shifted by one byte")
    }

    func testPartDigestsMatchOpenSSLOverTheFullBytes() throws {
        let partSize: Int64 = 1_250_000  // not a multiple of the 1 MiB chunk: parts split chunks
        let digests = try object.md5s(partSize: partSize)
        let whole = bytes(object, offset: 0, count: Int(object.size))
        XCTAssertEqual(digests.parts.count, 3)
        XCTAssertEqual(digests.whole, Digest.hash(.md5, whole).hexString)
        for (i, md5) in digests.parts.enumerated() {
            let start = Int(partSize) * i
            let end = min(whole.count, start + Int(partSize))
            XCTAssertEqual(md5, Digest.hash(.md5, whole[start..<end]).hexString, "part \(i + 1)")
        }
    }

    func testOnePartSpanningTheObjectIsTheWholeDigest() throws {
        let whole = Digest.hash(.md5, bytes(object, offset: 0, count: Int(object.size))).hexString
        for partSize in [object.size, object.size + 1, 1 << 40] {
            let digests = try object.md5s(partSize: partSize)
            XCTAssertEqual(digests.whole, whole)
            XCTAssertEqual(digests.parts, [whole], "part size \(partSize)")
        }
    }

    /// Ctrl-C while the MD5s of a huge object are prepared stops the hashing, not hours later.
    func testHashingAHugeObjectStopsWhenCancelled() async throws {
        let huge = SyntheticObject(seed: 1, index: 0, size: 1 << 40)
        let task = Task { try huge.md5s(partSize: 64 << 20) }
        try await Task.sleep(for: .milliseconds(200))
        let cancelledAt = ContinuousClock.now
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("1 TiB hashed in full")
        } catch is CancellationError {
            // 64 MiB of MD5 at the slowest core seen here is 0.1 s; 5 s leaves room for a loaded machine.
            XCTAssertLessThan(cancelledAt.duration(to: .now), .seconds(5))
        }
    }

    func testVerifyingSinkRefusesDifferencesAndExtraBytes() {
        let good = bytes(object, offset: 500, count: 3000)
        let sink = VerifyingSink(object: object, offset: 500, length: 3000)
        XCTAssertTrue(good[0..<1000].withUnsafeBytes { sink.receive($0) })
        XCTAssertEqual(sink.verdict, "got 1000 of 3000 bytes")
        XCTAssertTrue(good[1000...].withUnsafeBytes { sink.receive($0) })
        XCTAssertNil(sink.verdict)
        XCTAssertFalse([UInt8(0)].withUnsafeBytes { sink.receive($0) }, "a byte past the range")
        XCTAssertTrue(sink.verdict?.contains("more than the 3000 bytes") ?? false)

        var bad = good
        bad[2000] ^= 0x80
        let second = VerifyingSink(object: object, offset: 500, length: 3000)
        XCTAssertFalse(bad.withUnsafeBytes { second.receive($0) })
        XCTAssertEqual(second.verdict, "byte 2500 differs from what was uploaded")
    }
}
