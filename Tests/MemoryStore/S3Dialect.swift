import Foundation
import Hashing
import Transport

/// S3's REST API, path-style, as far as scoretune and Score's data path use it. Runs under the
/// store's lock.
struct S3Dialect {
    let store: MemoryStore
    let accessKey: String

    /// S3's smallest part but the last.
    static let minimumPartSize = 5 << 20

    static func classify(_ r: ParsedRequest) -> MemoryOperation {
        let bucket = r.segments.first.flatMap { $0.isEmpty ? nil : $0 }
        let hasKey = r.segments.count > 1 && !r.segments.dropFirst().joined(separator: "/").isEmpty
        switch (r.method, bucket, hasKey) {
        case ("GET", nil, _): return .listBuckets
        case ("HEAD", _?, false): return .headBucket
        case ("GET", _?, false): return r.has("uploads") ? .listMultipartUploads : .listObjects
        case ("POST", _?, true): return r.has("uploads") ? .createMultipartUpload : r.has("uploadId") ? .completeMultipartUpload : .unknown
        case ("PUT", _?, true): return r.has("uploadId") ? .uploadPart : .putObject
        case ("GET", _?, true): return r.has("uploadId") ? .listParts : .getObject
        case ("HEAD", _?, true): return .headObject
        case ("DELETE", _?, true): return r.has("uploadId") ? .abortMultipartUpload : .deleteObject
        default: return .unknown
        }
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> Answer {
        .xml(status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>\(code)</Code><Message>\(XML.escape(message))</Message>"
             + "<RequestId>memory</RequestId></Error>", headers: [HTTPHeader("x-amz-request-id", "memory")])
    }

    /// The key pair named by a header signature (V4 `Credential=KEY/…`, V2 `AWS KEY:…`) or a
    /// presigned URL (`X-Amz-Credential`, `AWSAccessKeyId`); nil for an anonymous request.
    static func accessKey(of r: ParsedRequest) -> String? {
        if let auth = r.header("authorization") {
            if let range = auth.range(of: "Credential=") {
                return String(auth[range.upperBound...].prefix { $0 != "/" })
            }
            if auth.hasPrefix("AWS ") { return String(auth.dropFirst(4).prefix { $0 != ":" }) }
        }
        if let credential = r.query["X-Amz-Credential"] { return String(credential.prefix { $0 != "/" }) }
        return r.query["AWSAccessKeyId"]
    }

    func answer(_ r: ParsedRequest, _ operation: MemoryOperation) -> Answer {
        guard let named = Self.accessKey(of: r) else { return Self.error(403, "AccessDenied", "Anonymous access is forbidden") }
        guard named == accessKey else { return Self.error(403, "InvalidAccessKeyId", "The access key you provided does not exist") }
        if operation == .listBuckets {
            let names = store.buckets.keys.sorted().map { "<Bucket><Name>\(XML.escape($0))</Name></Bucket>" }.joined()
            return .xml(200, "<ListAllMyBucketsResult><Buckets>\(names)</Buckets></ListAllMyBucketsResult>")
        }
        let bucket = r.segments[0]
        guard store.buckets[bucket] != nil else { return Self.error(404, "NoSuchBucket", "The specified bucket does not exist") }
        let key = r.segments.dropFirst().joined(separator: "/")
        switch operation {
        case .headBucket: return Answer(status: 200)
        case .listObjects: return listObjects(r, bucket)
        case .listMultipartUploads: return listUploads(r, bucket)
        case .putObject: return putObject(r, bucket, key)
        case .getObject: return getObject(r, bucket, key)
        case .headObject:
            guard let item = store.buckets[bucket]?[key] else { return Answer(status: 404) }
            return Answer(status: 200, headers: [HTTPHeader("etag", "\"\(item.etag)\""), HTTPHeader("content-length", String(item.bytes.count))])
        case .deleteObject:
            store.buckets[bucket]?[key] = nil
            return Answer(status: 204)
        case .createMultipartUpload:
            let id = store.newUploadId()
            store.uploads[id] = MemoryStore.MultipartUpload(bucket: bucket, key: key, id: id, initiated: Date())
            return .xml(200, "<InitiateMultipartUploadResult><Bucket>\(XML.escape(bucket))</Bucket><Key>\(XML.escape(key))</Key>"
                        + "<UploadId>\(id)</UploadId></InitiateMultipartUploadResult>")
        case .uploadPart: return uploadPart(r, bucket, key)
        case .listParts: return listParts(r, bucket, key)
        case .completeMultipartUpload: return complete(r, bucket, key)
        case .abortMultipartUpload:
            guard let id = r.query["uploadId"], store.uploads[id]?.key == key, store.uploads[id]?.bucket == bucket else {
                return Self.error(404, "NoSuchUpload", "The specified upload does not exist")
            }
            store.uploads[id] = nil
            return Answer(status: 204)
        default: return Self.error(400, "InvalidRequest", "not served by the memory store: \(r.method) \(r.path)")
        }
    }

    private func putObject(_ r: ParsedRequest, _ bucket: String, _ key: String) -> Answer {
        if let given = r.header("content-md5"), given != r.body.md5Base64 {
            return Self.error(400, "BadDigest", "The Content-MD5 you specified did not match what we received")
        }
        let etag = r.body.md5Hex
        store.buckets[bucket]?[key] = MemoryStore.StoredItem(bytes: r.body, etag: etag)
        return Answer(status: 200, headers: [HTTPHeader("etag", "\"\(etag)\"")])
    }

    private func getObject(_ r: ParsedRequest, _ bucket: String, _ key: String) -> Answer {
        guard let item = store.buckets[bucket]?[key] else { return Self.error(404, "NoSuchKey", "The specified key does not exist") }
        let etag = HTTPHeader("etag", "\"\(item.etag)\"")
        guard let range = r.header("range") else { return Answer(status: 200, headers: [etag], body: item.bytes) }
        guard let bounds = ByteRange.parse(range, size: item.bytes.count) else {
            return Self.error(416, "InvalidRange", "The requested range is not satisfiable")
        }
        if store._quirks.rangesAnswer200 { return Answer(status: 200, headers: [etag], body: Array(item.bytes[bounds])) }
        return Answer(status: 206, headers: [etag, HTTPHeader("content-range", "bytes \(bounds.lowerBound)-\(bounds.upperBound)/\(item.bytes.count)")],
                      body: Array(item.bytes[bounds]))
    }

    private func uploadPart(_ r: ParsedRequest, _ bucket: String, _ key: String) -> Answer {
        guard let id = r.query["uploadId"], store.uploads[id]?.key == key, store.uploads[id]?.bucket == bucket else {
            return Self.error(404, "NoSuchUpload", "The specified upload does not exist")
        }
        guard let number = Int(r.query["partNumber"] ?? ""), (1...10_000).contains(number) else {
            return Self.error(400, "InvalidArgument", "Part number must be an integer between 1 and 10000")
        }
        if let given = r.header("content-md5"), given != r.body.md5Base64 {
            return Self.error(400, "BadDigest", "The Content-MD5 you specified did not match what we received")
        }
        // Under SSE-KMS the ETag is not the part's MD5 (an opaque value, here the MD5 of its MD5).
        let kms = store._quirks.kmsEncrypted
        let etag = kms ? Array(r.body.md5Hex.utf8).md5Hex : r.body.md5Hex
        store.uploads[id]?.parts[number] = (r.body, etag)
        return Answer(status: 200, headers: [HTTPHeader("etag", "\"\(etag)\"")] + (kms ? [HTTPHeader("x-amz-server-side-encryption", "aws:kms")] : []))
    }

    private func listParts(_ r: ParsedRequest, _ bucket: String, _ key: String) -> Answer {
        guard let id = r.query["uploadId"], let upload = store.uploads[id], upload.key == key, upload.bucket == bucket else {
            return Self.error(404, "NoSuchUpload", "The specified upload does not exist")
        }
        let marker = Int(r.query["part-number-marker"] ?? "") ?? 0
        let maxParts = max(1, min(1000, Int(r.query["max-parts"] ?? "") ?? 1000))
        let inclusive = store._quirks.inclusivePartMarker
        let after = upload.parts.keys.sorted().filter { inclusive && marker > 0 ? $0 >= marker : $0 > marker }
        let page = after.prefix(maxParts)
        let truncated = after.count > page.count
        var xml = "<ListPartsResult><Bucket>\(XML.escape(bucket))</Bucket><Key>\(XML.escape(key))</Key><UploadId>\(id)</UploadId>"
            + "<PartNumberMarker>\(marker)</PartNumberMarker><MaxParts>\(maxParts)</MaxParts><IsTruncated>\(truncated)</IsTruncated>"
        if truncated, let last = page.last { xml += "<NextPartNumberMarker>\(last)</NextPartNumberMarker>" }
        for number in page {
            let part = upload.parts[number]!
            xml += "<Part><PartNumber>\(number)</PartNumber><ETag>\"\(part.etag)\"</ETag><Size>\(part.bytes.count)</Size></Part>"
        }
        return .xml(200, xml + "</ListPartsResult>")
    }

    private func complete(_ r: ParsedRequest, _ bucket: String, _ key: String) -> Answer {
        guard let id = r.query["uploadId"], let upload = store.uploads[id], upload.key == key, upload.bucket == bucket else {
            return Self.error(404, "NoSuchUpload", "The specified upload does not exist")
        }
        let text = String(decoding: r.body, as: UTF8.self)
        let numbers = Self.values("PartNumber", in: text).compactMap { Int($0) }
        let etags = Self.values("ETag", in: text).map { $0.replacingOccurrences(of: "&quot;", with: "").replacingOccurrences(of: "\"", with: "") }
        guard !numbers.isEmpty, numbers.count == etags.count, numbers == numbers.sorted(), Set(numbers).count == numbers.count else {
            return Self.error(400, "InvalidPartOrder", "The list of parts was not in ascending order or was malformed")
        }
        var bytes: [UInt8] = []
        var digests: [UInt8] = []
        for (index, (number, etag)) in zip(numbers, etags).enumerated() {
            guard let part = upload.parts[number], part.etag == etag else {
                return Self.error(400, "InvalidPart", "One or more of the specified parts could not be found")
            }
            if index < numbers.count - 1 && part.bytes.count < Self.minimumPartSize {
                return Self.error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size")
            }
            bytes += part.bytes
            digests += [UInt8](hex: part.etag) ?? []
        }
        let etag = Digest.hash(.md5, digests).hexString + "-\(numbers.count)"
        store.buckets[bucket]?[key] = MemoryStore.StoredItem(bytes: bytes, etag: etag)
        store.uploads[id] = nil
        let shown = store._quirks.emptyCompleteETag ? "" : "\"\(etag)\""
        return .xml(200, "<CompleteMultipartUploadResult><Bucket>\(XML.escape(bucket))</Bucket><Key>\(XML.escape(key))</Key>"
                    + "<ETag>\(shown)</ETag></CompleteMultipartUploadResult>")
    }

    private func listObjects(_ r: ParsedRequest, _ bucket: String) -> Answer {
        let prefix = r.query["prefix"] ?? ""
        let maxKeys = max(1, min(1000, Int(r.query["max-keys"] ?? "") ?? 1000))
        let after = r.query["continuation-token"] ?? ""
        let keys = (store.buckets[bucket] ?? [:]).keys.filter { $0.hasPrefix(prefix) && $0 > after }.sorted()
        let page = keys.prefix(maxKeys)
        let truncated = keys.count > page.count
        var xml = "<ListBucketResult><Name>\(XML.escape(bucket))</Name><Prefix>\(XML.escape(prefix))</Prefix><KeyCount>\(page.count)</KeyCount>"
            + "<MaxKeys>\(maxKeys)</MaxKeys><IsTruncated>\(truncated)</IsTruncated>"
        if truncated, let last = page.last { xml += "<NextContinuationToken>\(XML.escape(last))</NextContinuationToken>" }
        for key in page {
            let item = store.buckets[bucket]![key]!
            xml += "<Contents><Key>\(XML.escape(key))</Key><Size>\(item.bytes.count)</Size><ETag>\"\(item.etag)\"</ETag></Contents>"
        }
        return .xml(200, xml + "</ListBucketResult>")
    }

    private func listUploads(_ r: ParsedRequest, _ bucket: String) -> Answer {
        let prefix = r.query["prefix"] ?? ""
        let maxUploads = max(1, min(1000, Int(r.query["max-uploads"] ?? "") ?? 1000))
        let afterId = r.query["upload-id-marker"] ?? ""
        let all = store.uploads.values.filter { $0.bucket == bucket && $0.key.hasPrefix(prefix) && $0.id > afterId }.sorted { $0.id < $1.id }
        let page = all.prefix(maxUploads)
        let truncated = all.count > page.count
        let formatter = ISO8601DateFormatter()
        var xml = "<ListMultipartUploadsResult><Bucket>\(XML.escape(bucket))</Bucket><IsTruncated>\(truncated)</IsTruncated>"
        if truncated, let last = page.last { xml += "<NextUploadIdMarker>\(last.id)</NextUploadIdMarker>" }
        for upload in page {
            xml += "<Upload><Key>\(XML.escape(upload.key))</Key><UploadId>\(upload.id)</UploadId>"
                + "<Initiated>\(formatter.string(from: upload.initiated))</Initiated></Upload>"
        }
        return .xml(200, xml + "</ListMultipartUploadsResult>")
    }

    /// The texts of every `<name>…</name>` in a small document (the Complete request's body).
    static func values(_ name: String, in text: String) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(name)>"), let close = rest.range(of: "</\(name)>", range: open.upperBound..<rest.endIndex) {
            found.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return found
    }
}

/// `bytes=a-b` (inclusive), `bytes=a-` and `bytes=-n`, clamped to the object; nil when unsatisfiable.
enum ByteRange {
    static func parse(_ header: String, size: Int) -> ClosedRange<Int>? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        guard spec.count == 2 else { return nil }
        if spec[0].isEmpty, let suffix = Int(spec[1]), suffix > 0 { return max(0, size - suffix)...(size - 1) }
        guard let start = Int(spec[0]), start < size else { return nil }
        let end = spec[1].isEmpty ? size - 1 : min(size - 1, Int(spec[1]) ?? -1)
        return end >= start ? start...end : nil
    }
}

extension MemoryStore {
    /// 503 in the dialect's words: S3's SlowDown, Azure's ServerBusy.
    func busyAnswer() -> Answer {
        switch dialect {
        case .s3: return S3Dialect.error(503, "SlowDown", "Please reduce your request rate.")
        case .azure: return AzureDialect.error(503, "ServerBusy", "The server is currently unable to receive requests. Please retry your request.")
        }
    }
}
