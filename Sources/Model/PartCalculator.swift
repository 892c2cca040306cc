/// Score's SimplePartCalculator, reproduced with its Java `int` arithmetic:
///   partSize = max(max(UPLOAD_PARTSIZE, 20 MiB), (int)(objectSize / 10000) + 1)
/// so the default 20000000 really becomes 20971520 and no object gets more than 10,000 parts.
///
/// Sizes are `Int64` everywhere in scoretune, from the `.env.score` to the `trials` row; only this
/// type does Score's 32-bit arithmetic, inside, where it changes the answer.
public struct PartCalculator: Sendable, Equatable {
    public static let minimumPartSize: Int64 = 20 * 1024 * 1024
    public static let maximumParts: Int64 = 10_000

    /// The part size Score uses for small objects: UPLOAD_PARTSIZE raised to the 20 MiB floor.
    public let minPartSize: Int64

    /// `uploadPartSize` is Score's `int`: the `.env.score` and scenario checks refuse values
    /// beyond Int32, and anything beyond is clamped here as Java would never see it.
    public init(uploadPartSize: Int64) {
        minPartSize = max(Int64(Int32(clamping: uploadPartSize)), PartCalculator.minimumPartSize)
    }

    public func partSize(forObjectOfSize objectSize: Int64) -> Int64 {
        // Java: (int) (objectLength / MAX_NUM_PART) + 1 — a narrowing cast, then int addition.
        let perPart = Int32(truncatingIfNeeded: objectSize / PartCalculator.maximumParts) &+ 1
        return max(minPartSize, Int64(perPart))
    }

    /// The parts of an object, numbered from 1, as Score lays them out (the data path's layout).
    public func divide(objectSize: Int64) -> [ObjectPart] {
        ObjectPart.layout(objectSize: objectSize, partSize: partSize(forObjectOfSize: objectSize))
    }

    public func partCount(objectSize: Int64) -> Int64 {
        ObjectPart.count(objectSize: objectSize, partSize: partSize(forObjectOfSize: objectSize))
    }
}
