import Foundation
import Model
import ObjectStore
import Transport

/// What the workers of a distributed run do through the store they share, on either of Score's
/// profiles: barrier markers (small objects or blobs, found by listing a prefix), the workers'
/// databases (streamed from a file and back to one), and the removal of what a tag left. Keys
/// live in the object bucket (S3) or the container (Azure).
public struct SharedStore: Sendable {
    enum Client: Sendable {
        case s3(S3Client, stateBucket: String)
        case azure(AzureClient)
    }
    let client: Client
    /// The object bucket, or the Azure container.
    public let container: String

    /// The store of a connection, with housekeeping's patient timeouts.
    public init(_ connection: StoreConnection) {
        container = connection.settings.objectBucket
        client = connection.isAzure ? .azure(connection.azureHousekeeping)
            : .s3(connection.housekeeping, stateBucket: connection.settings.stateBucket)
    }

    /// The part (block) a file is carried in: 10,000 of them (S3's most) carry 640 GiB.
    static let partSize: Int64 = 64 << 20

    public func put(key: String, bytes: [UInt8]) async throws {
        switch client {
        case .s3(let s3, _): try await s3.putObject(bucket: container, key: key, body: bytes)
        case .azure(let azure): try await azure.putBlob(container: container, blob: key, body: .bytes(bytes))
        }
    }

    /// The keys under `prefix`.
    public func list(prefix: String) async throws -> [String] {
        switch client {
        case .s3(let s3, _): return try await s3.listObjects(bucket: container, prefix: prefix).map(\.key)
        case .azure(let azure): return try await azure.listBlobs(container: container, prefix: prefix).map(\.name)
        }
    }

    public func delete(key: String) async throws {
        switch client {
        case .s3(let s3, _): try await s3.deleteObject(bucket: container, key: key)
        case .azure(let azure): try await azure.removeBlobCompletely(container: container, blob: key)
        }
    }

    /// Uploads a file part by part, each read from the file as it is sent (a multipart upload, or
    /// staged blocks and their list). One that fails leaves no part behind.
    public func upload(file path: String, key: String) async throws {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value, size > 0,
              FileRangeSource(path: path, offset: 0, length: 0) != nil else {
            throw RunFailure.badInput("\(path): cannot read the file to upload it")
        }
        var parts: [(number: Int, offset: Int64, length: Int64)] = []
        var offset: Int64 = 0
        while offset < size {
            let length = min(Self.partSize, size - offset)
            parts.append((parts.count + 1, offset, length))
            offset += length
        }
        func body(_ part: (number: Int, offset: Int64, length: Int64)) -> RequestBody {
            .stream(length: part.length) { () -> BodySource in
                FileRangeSource(path: path, offset: part.offset, length: part.length) ?? UnreadableSource()
            }
        }
        switch client {
        case .s3(let s3, _):
            let id = try await s3.createMultipartUpload(bucket: container, key: key)
            do {
                var etags: [(partNumber: Int, etag: String)] = []
                for part in parts {
                    etags.append((part.number, try await s3.uploadPart(bucket: container, key: key, uploadId: id, partNumber: part.number, body: body(part))))
                }
                try await s3.completeMultipartUpload(bucket: container, key: key, uploadId: id, parts: etags)
            } catch {
                try? await s3.abortMultipartUpload(bucket: container, key: key, uploadId: id)
                throw error
            }
        case .azure(let azure):
            do {
                for part in parts {
                    try await azure.putBlock(container: container, blob: key, blockId: AzureBlockId.make(part.number), body: body(part), number: part.number)
                }
                try await azure.putBlockList(container: container, blob: key, blockIds: parts.map { AzureBlockId.make($0.number) }, contentMD5: nil)
            } catch {
                try? await azure.removeBlobCompletely(container: container, blob: key)
                throw error
            }
        }
    }

    /// Fetches a key into a file as it arrives.
    public func download(key: String, to path: String) async throws {
        guard let sink = FileSink(path: path) else { throw RunFailure.badInput("\(path): cannot be written") }
        defer { sink.close() }
        switch client {
        case .s3(let s3, _): _ = try await s3.getObject(bucket: container, key: key, sink: sink)
        case .azure(let azure): _ = try await azure.getBlob(container: container, blob: key, sink: sink)
        }
        if sink.failed { throw RunFailure.badInput("\(path): could not write what was fetched (disk full?)") }
    }
}
