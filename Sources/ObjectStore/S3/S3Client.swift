import Model
import Foundation
import Hashing
import Transport

/// S3 operations over the transport, path-style, signed per S3_SIGV4ENABLED. One call is one
/// HTTP attempt: retrying is the caller's decision, never hidden here.
public final class S3Client: Sendable {
    public let endpoint: S3Endpoint
    public let signer: S3Signer
    public let transport: any HTTPTransport
    public let timeouts: Timeouts
    /// "HOST:PORT" to connect to instead of the endpoint (a fault proxy); URLs and signatures
    /// still name the endpoint.
    public let connectVia: String?
    private let observer: AttemptObserver?

    public init(endpoint: S3Endpoint, signer: S3Signer, transport: any HTTPTransport,
                timeouts: Timeouts = Timeouts(), observer: AttemptObserver? = nil, connectVia: String? = nil) {
        self.endpoint = endpoint
        self.signer = signer
        self.transport = transport
        self.timeouts = timeouts
        self.observer = observer
        self.connectVia = connectVia
    }

    // MARK: objects

    @discardableResult
    public func putObject(bucket: String, key: String, body: [UInt8], contentType: String? = nil,
                          contentMD5: String? = nil) async throws -> String {
        var headers: [HTTPHeader] = []
        if let contentType { headers.append(HTTPHeader("Content-Type", contentType)) }
        if let contentMD5 { headers.append(HTTPHeader("Content-MD5", contentMD5)) }
        let response = try await send(.putObject, .put, bucket: bucket, key: key, headers: headers, body: .bytes(body))
        return S3Client.stripQuotes(response.header("etag") ?? "")
    }

    /// GET, whole or a byte range (inclusive bounds). Accepts 200 and 206; callers that need a
    /// real partial answer check `status`.
    public func getObject(bucket: String, key: String, range: ClosedRange<Int64>? = nil,
                          sink: ResponseSink? = nil, partNumber: Int? = nil) async throws -> HTTPResponse {
        let headers = range.map { [HTTPHeader("Range", "bytes=\($0.lowerBound)-\($0.upperBound)")] } ?? []
        return try await send(.getObject, .get, bucket: bucket, key: key, headers: headers, partNumber: partNumber, sink: sink)
    }

    public struct ObjectInfo: Sendable {
        public var size: Int64
        public var etag: String
    }

    public func headObject(bucket: String, key: String) async throws -> ObjectInfo {
        let response = try await send(.headObject, .head, bucket: bucket, key: key)
        return ObjectInfo(size: Int64(response.header("content-length") ?? "") ?? -1,
                          etag: S3Client.stripQuotes(response.header("etag") ?? ""))
    }

    /// ListBuckets (GET /): the cheapest request that proves the credentials without naming a bucket.
    public func listBuckets() async throws -> [String] {
        let response = try await send(.listBuckets, .get, bucket: nil, key: nil)
        let document = try S3Client.document(response, .listBuckets)
        return document.child("Buckets")?.all("Bucket").compactMap { $0.value("Name") } ?? []
    }

    /// An unsigned GET of the endpoint root: any HTTP answer proves the store is reachable.
    public func probeEndpoint(timeouts: Timeouts) async throws -> HTTPResponse {
        let request = HTTPRequest(method: HTTPMethod.get.rawValue, url: endpoint.url + "/", timeouts: timeouts)
        return try await execute(.probe, .get, request, bucket: nil, key: nil, partNumber: nil, sink: nil, anyStatus: true)
    }

    public func headBucket(_ bucket: String) async throws {
        _ = try await send(.headBucket, .head, bucket: bucket, key: nil)
    }

    public func deleteObject(bucket: String, key: String) async throws {
        _ = try await send(.deleteObject, .delete, bucket: bucket, key: key)
    }

    public struct ObjectSummary: Sendable, Equatable {
        public var key: String
        public var size: Int64
        public var etag: String
    }

    /// ListObjectsV2, following continuation tokens until the listing is complete.
    public func listObjects(bucket: String, prefix: String = "", pageSize: Int = 1000) async throws -> [ObjectSummary] {
        var all: [ObjectSummary] = []
        var token: String?
        repeat {
            var query: [(String, String?)] = [("list-type", "2"), ("max-keys", String(pageSize)), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let response = try await send(.listObjects, .get, bucket: bucket, key: nil, query: query)
            let document = try S3Client.document(response, .listObjects)
            for item in document.all("Contents") {
                all.append(ObjectSummary(key: item.value("Key") ?? "", size: Int64(item.value("Size") ?? "") ?? 0,
                                         etag: S3Client.stripQuotes(item.value("ETag") ?? "")))
            }
            token = document.value("IsTruncated") == "true" ? document.value("NextContinuationToken") : nil
        } while token != nil
        return all
    }

    // MARK: multipart

    public func createMultipartUpload(bucket: String, key: String) async throws -> String {
        let response = try await send(.createMultipartUpload, .post, bucket: bucket, key: key, query: [("uploads", nil)])
        guard let id = try S3Client.document(response, .createMultipartUpload).value("UploadId"), !id.isEmpty else {
            throw S3Client.malformed(.createMultipartUpload, response, "no UploadId")
        }
        return id
    }

    /// Uploads one part from a streamed body; returns its ETag without quotes.
    public func uploadPart(bucket: String, key: String, uploadId: String, partNumber: Int, body: RequestBody) async throws -> String {
        let response = try await send(.uploadPart, .put, bucket: bucket, key: key,
                                      query: [("partNumber", String(partNumber)), ("uploadId", uploadId)],
                                      body: body, partNumber: partNumber)
        return S3Client.stripQuotes(response.header("etag") ?? "")
    }

    public struct PartInfo: Sendable, Equatable {
        public var partNumber: Int
        public var etag: String
        public var size: Int64
    }

    /// ListParts, following part-number markers until complete.
    public func listParts(bucket: String, key: String, uploadId: String, pageSize: Int = 1000) async throws -> [PartInfo] {
        var all: [PartInfo] = []
        var marker: Int?
        repeat {
            let page = try await listPartsPage(bucket: bucket, key: key, uploadId: uploadId, after: marker, maxParts: pageSize)
            all += page.parts
            marker = page.nextMarker
        } while marker != nil
        return all
    }

    /// One page of ListParts: the parts after part number `after`, and the marker for the next page
    /// when the listing is truncated. Score's server asks for exactly one part this way.
    public func listPartsPage(bucket: String, key: String, uploadId: String, after: Int?, maxParts: Int) async throws
        -> (parts: [PartInfo], nextMarker: Int?) {
        var query: [(String, String?)] = [("max-parts", String(maxParts)), ("uploadId", uploadId)]
        if let after { query.append(("part-number-marker", String(after))) }
        let response = try await send(.listParts, .get, bucket: bucket, key: key, query: query)
        let document = try S3Client.document(response, .listParts)
        let parts = document.all("Part").map { part in
            PartInfo(partNumber: Int(part.value("PartNumber") ?? "") ?? 0, etag: S3Client.stripQuotes(part.value("ETag") ?? ""),
                     size: Int64(part.value("Size") ?? "") ?? 0)
        }
        let next = document.value("IsTruncated") == "true" ? document.value("NextPartNumberMarker").flatMap { Int($0) } : nil
        return (parts, next)
    }

    /// Completes an upload. Returns the ETag the store reported, which may be empty: Ceph RGW
    /// answers with `<ETag></ETag>` (a HEAD afterwards has the real one).
    @discardableResult
    public func completeMultipartUpload(bucket: String, key: String, uploadId: String,
                                        parts: [(partNumber: Int, etag: String)]) async throws -> String {
        var xml = "<CompleteMultipartUpload>"
        for part in parts.sorted(by: { $0.partNumber < $1.partNumber }) {
            xml += "<Part><PartNumber>\(part.partNumber)</PartNumber><ETag>\"\(part.etag)\"</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let response = try await send(.completeMultipartUpload, .post, bucket: bucket, key: key,
                                      query: [("uploadId", uploadId)],
                                      headers: [HTTPHeader("Content-Type", "application/xml")], body: .bytes(Array(xml.utf8)))
        // S3 may report a failure inside a 200 answer.
        let document = try S3Client.document(response, .completeMultipartUpload)
        if document.name == "Error" {
            var failed = response
            failed.status = 500
            throw S3Error(operation: .completeMultipartUpload, response: failed)
        }
        return S3Client.stripQuotes(document.value("ETag") ?? "")
    }

    public func abortMultipartUpload(bucket: String, key: String, uploadId: String) async throws {
        _ = try await send(.abortMultipartUpload, .delete, bucket: bucket, key: key, query: [("uploadId", uploadId)])
    }

    public struct UploadInfo: Sendable, Equatable {
        public var key: String
        public var uploadId: String
        public var initiated: String
    }

    /// ListMultipartUploads, following key and upload-id markers until complete.
    public func listMultipartUploads(bucket: String, prefix: String = "", pageSize: Int = 1000) async throws -> [UploadInfo] {
        var all: [UploadInfo] = []
        var markers: [(String, String?)] = []
        repeat {
            let query: [(String, String?)] = [("max-uploads", String(pageSize)), ("prefix", prefix), ("uploads", nil)] + markers
            let response: HTTPResponse
            do {
                response = try await send(.listMultipartUploads, .get, bucket: bucket, key: nil, query: query)
            } catch let error as S3Error where error.status == 404 && error.code == "NoSuchUpload" {
                // rclone answers this for a bucket that never had a multipart upload: an empty listing.
                break
            }
            let document = try S3Client.document(response, .listMultipartUploads)
            for upload in document.all("Upload") {
                all.append(UploadInfo(key: upload.value("Key") ?? "", uploadId: upload.value("UploadId") ?? "",
                                      initiated: upload.value("Initiated") ?? ""))
            }
            guard document.value("IsTruncated") == "true" else { break }
            // Send back only the markers the store gave: SeaweedFS pages by upload id alone.
            var next: [(String, String?)] = []
            if let key = document.value("NextKeyMarker"), !key.isEmpty { next.append(("key-marker", key)) }
            if let id = document.value("NextUploadIdMarker"), !id.isEmpty { next.append(("upload-id-marker", id)) }
            guard !next.isEmpty, next.map({ $0.1 }) != markers.map({ $0.1 }) else {
                throw S3Client.malformed(.listMultipartUploads, response, "truncated listing without new markers")
            }
            markers = next
        } while true
        return all
    }

    // MARK: presigned requests (Score's data path)

    /// A presigned URL, as Score's server hands them to its client. `headers` (a Range) are signed
    /// under SigV4 and must be sent with the URL.
    public func presignedURL(method: HTTPMethod, bucket: String, key: String, query: [(String, String?)] = [],
                             headers: [HTTPHeader] = [], expires: Int, date: Date = Date()) -> String {
        signer.presignedURL(for: signable(method, bucket: bucket, key: key, query: query, headers: headers),
                            expires: expires, date: date)
    }

    /// Sends a request to a presigned URL (no signing here). Fails with S3Error on a non-2xx answer.
    public func sendPresigned(_ operation: StoreOperation, method: HTTPMethod, url: String, headers: [HTTPHeader] = [],
                              body: RequestBody = .empty, sink: ResponseSink? = nil, partNumber: Int? = nil,
                              timeouts: Timeouts? = nil) async throws -> HTTPResponse {
        let request = HTTPRequest(method: method.rawValue, url: url, headers: headers, body: body, timeouts: timeouts ?? self.timeouts,
                                  connectTo: connectVia)
        return try await execute(operation, method, request, bucket: nil, key: nil, partNumber: partNumber, sink: sink)
    }

    // MARK: plumbing

    private func signable(_ method: HTTPMethod, bucket: String?, key: String?, query: [(String, String?)],
                          headers: [HTTPHeader]) -> SignableRequest {
        var path = "/" + (bucket.map { PercentEncoding.encode($0) } ?? "")
        if let key { path += "/" + PercentEncoding.encode(key, keepSlash: true) }
        return SignableRequest(method: method.rawValue, scheme: endpoint.scheme, authority: signingAuthority, path: path,
                               query: query.map { ($0.0, $0.1.map { PercentEncoding.encode($0) }) }, headers: headers)
    }

    /// The Host the store sees: the endpoint without a default port.
    private var signingAuthority: String {
        SignableRequest(method: HTTPMethod.get.rawValue, url: endpoint.url)?.authority ?? endpoint.authority
    }

    private func send(_ operation: StoreOperation, _ method: HTTPMethod, bucket: String?, key: String?,
                      query: [(String, String?)] = [], headers: [HTTPHeader] = [], body: RequestBody = .empty,
                      partNumber: Int? = nil, sink: ResponseSink? = nil) async throws -> HTTPResponse {
        if let bucket, bucket.isEmpty {
            throw S3Error(refusing: operation, code: "InvalidBucketName", message: "the bucket name is empty (not sent)")
        }
        let target = signable(method, bucket: bucket, key: key, query: query, headers: headers)
        let payloadHash: String
        switch body {
        case .empty: payloadHash = Digest.hash(.sha256, [UInt8]()).hexString
        case .bytes(let bytes): payloadHash = Digest.hash(.sha256, bytes).hexString
        case .stream: payloadHash = S3Signer.unsignedPayload
        }
        let auth = signer.authorizationHeaders(for: target, payloadHash: payloadHash, date: Date())
        let request = HTTPRequest(method: method.rawValue, url: target.url, headers: headers + auth, body: body, timeouts: timeouts,
                                  connectTo: connectVia)
        return try await execute(operation, method, request, bucket: bucket, key: key, partNumber: partNumber, sink: sink)
    }

    /// Sends one attempt and reports it to the observer; a non-2xx answer becomes an S3Error
    /// unless `anyStatus`.
    private func execute(_ operation: StoreOperation, _ method: HTTPMethod, _ request: HTTPRequest, bucket: String?, key: String?,
                         partNumber: Int?, sink: ResponseSink?, anyStatus: Bool = false) async throws -> HTTPResponse {
        let record = AttemptRecord(operation: operation, method: method, bucket: bucket, key: key,
                                   partNumber: partNumber, metrics: AttemptMetrics())
        let response = try await transport.sendObserved(request, sink: sink, record: record, observer: observer)
        guard anyStatus || (200..<300).contains(response.status) else { throw S3Error(operation: operation, response: response) }
        return response
    }

    static func stripQuotes(_ etag: String) -> String {
        etag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

    static func document(_ response: HTTPResponse, _ operation: StoreOperation) throws -> XMLNode {
        guard let document = XMLNode.parse(response.body) else {
            throw malformed(operation, response, "the answer is not XML")
        }
        return document
    }

    static func malformed(_ operation: StoreOperation, _ response: HTTPResponse, _ why: String) -> S3Error {
        var error = S3Error(operation: operation, response: response)
        error.code = "MalformedResponse"
        error.message = why
        return error
    }
}
