/// Where request bytes come from and response bytes go. Both are called on the transport's loop
/// thread while their transfer runs, and by nobody else until the transfer has finished, so an
/// implementation needs no locks of its own.
public protocol BodySource: AnyObject, Sendable {
    /// Fills `buffer` from the start and returns how many bytes it wrote; 0 means the end.
    /// Returning nil aborts the request.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int?
}

public protocol ResponseSink: AnyObject, Sendable {
    /// Takes the next bytes of the response body; returning false aborts the request.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool
}

/// A body held in memory: request bodies of XML, JSON and small test objects.
/// Sendable: read only by the curl loop thread of the one transfer it belongs to.
public final class BytesSource: BodySource, @unchecked Sendable {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// Keeps the response body in memory up to a limit (error documents, listings, small objects).
/// Sendable: written only by the curl loop thread during its transfer, read after it ends.
public final class CollectingSink: ResponseSink, @unchecked Sendable {
    public private(set) var bytes: [UInt8] = []
    private let limit: Int

    public init(limit: Int = 64 << 20) { self.limit = limit }

    public func receive(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count + chunk.count <= limit else { return false }
        bytes.append(contentsOf: chunk)
        return true
    }
}

/// Counts and drops the body: downloads whose bytes are checked elsewhere or not at all.
/// Sendable: written only by the curl loop thread during its transfer, read after it ends.
public final class DiscardingSink: ResponseSink, @unchecked Sendable {
    public private(set) var count: Int64 = 0
    public init() {}
    public func receive(_ chunk: UnsafeRawBufferPointer) -> Bool {
        count += Int64(chunk.count)
        return true
    }
}
