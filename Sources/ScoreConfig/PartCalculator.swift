/// Score's SimplePartCalculator, reproduced with its Java `int` arithmetic:
///   partSize = max(max(UPLOAD_PARTSIZE, 20 MiB), (int)(objectSize / 10000) + 1)
/// so the default 20000000 really becomes 20971520 and no object gets more than 10,000 parts.
public struct PartCalculator: Sendable, Equatable {
    public static let minimumPartSize: Int32 = 20 * 1024 * 1024
    public static let maximumParts: Int64 = 10_000

    /// The part size Score uses for small objects: UPLOAD_PARTSIZE raised to the 20 MiB floor.
    public let minPartSize: Int32

    public init(uploadPartSize: Int32) {
        minPartSize = max(uploadPartSize, PartCalculator.minimumPartSize)
    }

    public func partSize(forObjectOfSize objectSize: Int64) -> Int32 {
        // Java: (int) (objectLength / MAX_NUM_PART) + 1 — a narrowing cast, then int addition.
        let perPart = Int32(truncatingIfNeeded: objectSize / PartCalculator.maximumParts) &+ 1
        return max(minPartSize, perPart)
    }

    public struct Part: Sendable, Equatable {
        public var number: Int
        public var offset: Int64
        public var size: Int64
    }

    /// The parts of an object, numbered from 1, as Score lays them out.
    public func divide(objectSize: Int64) -> [Part] {
        let size = Int64(partSize(forObjectOfSize: objectSize))
        var parts: [Part] = []
        var offset: Int64 = 0
        while offset < objectSize {
            let length = min(size, objectSize - offset)
            parts.append(Part(number: parts.count + 1, offset: offset, size: length))
            offset += length
        }
        return parts
    }

    public func partCount(objectSize: Int64) -> Int64 {
        let size = Int64(partSize(forObjectOfSize: objectSize))
        return (objectSize + size - 1) / size
    }
}
