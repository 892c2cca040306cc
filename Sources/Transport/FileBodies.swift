import Foundation

/// A request body read from a range of a file as the transport asks for it: a worker's database
/// goes to the store part by part without ever being held in memory.
/// Sendable: read only by the curl loop thread of the one transfer it belongs to.
public final class FileRangeSource: BodySource, @unchecked Sendable {
    private let descriptor: Int32
    private var offset: Int64
    private let end: Int64

    /// nil when the file cannot be opened.
    public init?(path: String, offset: Int64, length: Int64) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        (self.offset, end) = (offset, offset + length)
    }

    deinit { close(descriptor) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        let wanted = Int(min(Int64(buffer.count), end - offset))
        guard wanted > 0 else { return 0 }
        let count = pread(descriptor, buffer.baseAddress, wanted, off_t(offset))
        // A file that shrank or cannot be read aborts the request rather than send short.
        guard count > 0 else { return nil }
        offset += Int64(count)
        return count
    }
}

/// A body whose file vanished between the check and the request: the request is aborted.
public final class UnreadableSource: BodySource, @unchecked Sendable {
    public init() {}
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? { nil }
}

/// A response body written to a file as it arrives (a fetched worker database).
/// Sendable: written only by the curl loop thread during its transfer, closed after it ends.
public final class FileSink: ResponseSink, @unchecked Sendable {
    private let handle: FileHandle
    public private(set) var count: Int64 = 0
    public private(set) var failed = false

    /// Creates (or empties) the file; nil when it cannot be written.
    public init?(path: String) {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else { return nil }
        self.handle = handle
    }

    public func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        do { try handle.write(contentsOf: Data(bytes)) } catch { failed = true; return false }
        count += Int64(bytes.count)
        return true
    }

    public func close() { try? handle.close() }
}
