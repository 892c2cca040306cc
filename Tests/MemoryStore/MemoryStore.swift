import Foundation
import Hashing
import Transport

/// An object store held in memory that speaks S3's or Azure Blob's wire format (the requests the
/// clients build, the XML and headers real stores answer) behind the `HTTPTransport` boundary, with
/// fault hooks. It serves speed and fault coverage for everything above Transport; what only real
/// stores prove (signatures, quirks met in the field, throughput) stays with the real-backend tests.
///
/// It checks who asks (the access key or account named, a SAS's stored policy and its permissions)
/// but not the signature's bytes: that is what the signer vectors and the real stores are for.
public final class MemoryStore: @unchecked Sendable {
    public enum Dialect: Sendable {
        /// Path-style S3 with one access key.
        case s3(accessKey: String)
        /// Azure Blob for one account, its URLs starting with `pathPrefix` ("/<account>" path-style).
        case azure(account: String, pathPrefix: String)
    }

    /// Ways real stores differ that Score's path trips over (see docs/backends.md).
    public struct Quirks: Sendable {
        /// ListParts treats part-number-marker as inclusive (rclone 1.75).
        public var inclusivePartMarker = false
        /// CompleteMultipartUpload answers `<ETag></ETag>` (Ceph RGW 16).
        public var emptyCompleteETag = false
        /// Objects and parts are encrypted with SSE-KMS: ETags are not MD5s, and answers say
        /// `x-amz-server-side-encryption: aws:kms` (what Score's client then accepts).
        public var kmsEncrypted = false
        /// A ranged GET answers 200 with the right bytes instead of 206 (rclone 1.75).
        public var rangesAnswer200 = false
        public init() {}
    }

    /// A played path between client and store: each request waits `roundTrip`, and its bytes move
    /// at `bytesPerSecond` on its own connection (so only parts in flight add bandwidth).
    public struct Path: Sendable {
        public var roundTrip: Duration
        public var bytesPerSecond: Double
        public init(roundTrip: Duration, bytesPerSecond: Double) { (self.roundTrip, self.bytesPerSecond) = (roundTrip, bytesPerSecond) }

        func time(bytes: Int) -> Duration { roundTrip + .nanoseconds(Int64(Double(bytes) / bytesPerSecond * 1e9)) }
    }

    public let dialect: Dialect
    /// nil: answers at once.
    public var path: Path? {
        get { lock.withLock { _path } }
        set { lock.withLock { _path = newValue } }
    }
    private var _path: Path?
    public var quirks: Quirks {
        get { lock.withLock { _quirks } }
        set { lock.withLock { _quirks = newValue } }
    }
    /// The Server header every answer carries.
    public let server = "scoretune-memory-store"

    // Everything below is guarded by `lock`: requests from many tasks reach one store.
    let lock = NSLock()
    /// Read by the dialects, which run under the lock already.
    var _quirks = Quirks()
    var buckets: [String: [String: StoredItem]] = [:]
    var uploads: [String: MultipartUpload] = [:]
    /// Azure: staged blocks per container/blob, and stored access policies per container.
    var stagedBlocks: [String: [String: [UInt8]]] = [:]
    var policies: [String: [StoredPolicy]] = [:]
    private var faults: [PendingFault] = []
    private var _log: [LoggedRequest] = []
    private var nextUploadNumber = 1

    struct StoredItem {
        var bytes: [UInt8]
        var etag: String
        /// Azure: the blob's Content-MD5 (base64), as it was given.
        var contentMD5: String?
        /// Azure: the committed block list.
        var blocks: [(id: String, size: Int)] = []
    }

    struct MultipartUpload {
        var bucket: String
        var key: String
        var id: String
        var initiated: Date
        var parts: [Int: (bytes: [UInt8], etag: String)] = [:]
    }

    public struct StoredPolicy: Sendable {
        public var id: String
        public var permission: String
        public init(id: String, permission: String) { (self.id, self.permission) = (id, permission) }
    }

    /// One request as the store saw it: what it was and what it answered (0: no answer).
    public struct LoggedRequest: Sendable {
        public var operation: MemoryOperation
        public var method: String
        public var path: String
        public var status: Int
        /// The fault played on it, if any.
        public var fault: MemoryFault.Action?
    }

    private struct PendingFault {
        var fault: MemoryFault
        var seen = 0
        var fired = 0
    }

    public init(_ dialect: Dialect) { self.dialect = dialect }

    // MARK: what tests set up and read back

    public func createBucket(_ name: String) { lock.withLock { if buckets[name] == nil { buckets[name] = [:] } } }

    /// Azure: a stored access policy on a container.
    public func setPolicy(_ policy: StoredPolicy, container: String) {
        lock.withLock { policies[container, default: []].append(policy) }
    }

    public func inject(_ fault: MemoryFault) { lock.withLock { faults.append(PendingFault(fault: fault)) } }
    public func clearFaults() { lock.withLock { faults.removeAll() } }

    public var log: [LoggedRequest] { lock.withLock { _log } }

    /// Every key (blob name) in a bucket (container), sorted.
    public func keys(in bucket: String) -> [String] { lock.withLock { (buckets[bucket] ?? [:]).keys.sorted() } }
    public func object(_ bucket: String, _ key: String) -> [UInt8]? { lock.withLock { buckets[bucket]?[key]?.bytes } }
    /// Flips one byte of a stored object in place (its ETag kept): bit rot the store does not see.
    public func corrupt(_ bucket: String, _ key: String, at offset: Int) {
        lock.withLock { buckets[bucket]?[key]?.bytes[offset] ^= 0xFF }
    }
    /// Multipart uploads in progress, as (bucket, key, upload id).
    public var openUploads: [(bucket: String, key: String, id: String)] {
        lock.withLock { uploads.values.map { ($0.bucket, $0.key, $0.id) }.sorted { $0.id < $1.id } }
    }
    /// Azure: blobs that have staged, uncommitted blocks.
    public var blobsWithStagedBlocks: [String] {
        lock.withLock { stagedBlocks.filter { !$0.value.isEmpty }.keys.sorted() }
    }
    /// Nothing stored, staged or in progress outside the given buckets' sentinel objects.
    public func isEmpty(except kept: Set<String> = []) -> Bool {
        lock.withLock {
            uploads.isEmpty && stagedBlocks.values.allSatisfy(\.isEmpty)
                && buckets.allSatisfy { bucket, items in items.keys.allSatisfy { kept.contains("\(bucket)/\($0)") } }
        }
    }

    /// A transport to this store.
    public func transport(options: TransportOptions = TransportOptions()) -> MemoryTransport {
        MemoryTransport(store: self, options: options)
    }

    // MARK: serving one request

    /// The fault to play on this request, if one is due. Every fault that matches counts the
    /// request, whether or not an earlier one plays on it, so `after` counts requests, not misses.
    func fault(for operation: MemoryOperation) -> MemoryFault.Action? {
        lock.withLock {
            var due: MemoryFault.Action?
            for index in faults.indices where faults[index].fault.operation == nil || faults[index].fault.operation == operation {
                faults[index].seen += 1
                let pending = faults[index]
                if due == nil && pending.seen > pending.fault.after && pending.fired < pending.fault.times {
                    faults[index].fired += 1
                    due = pending.fault.action
                }
            }
            return due
        }
    }

    func record(_ entry: LoggedRequest) { lock.withLock { _log.append(entry) } }

    func newUploadId() -> String {
        defer { nextUploadNumber += 1 }
        return String(format: "upload-%06d", nextUploadNumber)
    }

    /// What the dialect makes of a request, and its answer (the store's state changed under the lock).
    func classify(_ request: ParsedRequest) -> MemoryOperation {
        switch dialect {
        case .s3: return S3Dialect.classify(request)
        case .azure(_, let prefix): return AzureDialect.classify(request, pathPrefix: prefix)
        }
    }

    func answer(_ request: ParsedRequest, operation: MemoryOperation) -> Answer {
        lock.withLock {
            switch dialect {
            case .s3(let accessKey): return S3Dialect(store: self, accessKey: accessKey).answer(request, operation)
            case .azure(let account, let prefix): return AzureDialect(store: self, account: account, pathPrefix: prefix).answer(request, operation)
            }
        }
    }
}

/// A request taken apart: method, path segments (decoded), query (decoded), headers, the body read.
struct ParsedRequest {
    var method: String
    var path: String
    var segments: [String]
    var query: [String: String]
    var headers: [String: String]
    var body: [UInt8]

    init?(_ request: HTTPRequest, body: [UInt8]) {
        guard let components = URLComponents(string: request.url) else { return nil }
        method = request.method
        path = components.percentEncodedPath
        segments = []
        let raw = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for part in raw { segments.append(String(part).removingPercentEncoding ?? String(part)) }
        query = [:]
        for item in components.percentEncodedQueryItems ?? [] {
            let name = item.name.removingPercentEncoding ?? item.name
            query[name] = (item.value ?? "").removingPercentEncoding ?? item.value ?? ""
        }
        headers = [:]
        for header in request.headers { headers[header.name.lowercased()] = header.value }
        self.body = body
    }

    func header(_ name: String) -> String? { headers[name] }
    func has(_ name: String) -> Bool { query[name] != nil }
}

/// What the store answers.
struct Answer {
    var status: Int
    var headers: [HTTPHeader] = []
    var body: [UInt8] = []

    static func xml(_ status: Int, _ text: String, headers: [HTTPHeader] = []) -> Answer {
        Answer(status: status, headers: headers + [HTTPHeader("content-type", "application/xml")], body: Array(text.utf8))
    }

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
}

enum XML {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

extension Array where Element == UInt8 {
    var md5Hex: String { Digest.hash(.md5, self).hexString }
    var md5Base64: String { Digest.hash(.md5, self).base64String }
}
