/// One part of an object, numbered from 1: an S3 part, an Azure block or a download range.
/// Score's calculator, the data paths and the tests all lay parts out with `layout`, so what is
/// tested is what runs.
public struct ObjectPart: Sendable, Equatable {
    public var number: Int
    public var offset: Int64
    public var size: Int64

    public init(number: Int, offset: Int64, size: Int64) {
        self.number = number
        self.offset = offset
        self.size = size
    }

    /// Consecutive parts of `partSize` bytes, the last one shorter; none for an empty object.
    /// `partSize` must be positive (scenario and `.env.score` checks refuse anything else).
    public static func layout(objectSize: Int64, partSize: Int64) -> [ObjectPart] {
        precondition(partSize > 0, "a part size is checked positive before any layout")
        var parts: [ObjectPart] = []
        var offset: Int64 = 0
        while offset < objectSize {
            let size = min(partSize, objectSize - offset)
            parts.append(ObjectPart(number: parts.count + 1, offset: offset, size: size))
            offset += size
        }
        return parts
    }

    /// How many parts of `partSize` an object of `objectSize` has (0 for an empty one), without
    /// overflow for any positive sizes: the one count the layout, the plans and the checks share.
    public static func count(objectSize: Int64, partSize: Int64) -> Int64 {
        precondition(partSize > 0, "a part size is checked positive before any count")
        return objectSize / partSize + (objectSize % partSize == 0 ? 0 : 1)
    }

    /// The part's bytes within the object, first to last (the ranged GET's range).
    public var byteRange: ClosedRange<Int64> { offset...(offset + size - 1) }

    /// The HTTP Range header that fetches this part.
    public var rangeHeader: String { "bytes=\(byteRange.lowerBound)-\(byteRange.upperBound)" }
}
