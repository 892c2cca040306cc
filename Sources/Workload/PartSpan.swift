/// An object's parts, numbered from 1.
struct PartSpan: Sendable {
    var number: Int
    var offset: Int64
    var size: Int64

    static func layout(objectSize: Int64, partSize: Int64) -> [PartSpan] {
        stride(from: Int64(0), to: objectSize, by: Int(partSize)).enumerated().map { index, offset in
            PartSpan(number: index + 1, offset: offset, size: min(partSize, objectSize - offset))
        }
    }

    var rangeHeader: String { "bytes=\(offset)-\(offset + size - 1)" }
}
