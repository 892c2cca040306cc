import Model
import Foundation
import Hashing
import Transport

/// Azure Blob operations over the transport, for block blobs. Each call is one HTTP attempt
/// (retrying is the caller's decision) and is authorised either with the account key (Shared
/// Key: what Score's server does) or with a SAS token (what Score hands its client).
public final class AzureClient: Sendable {
    public let signer: AzureSigner
    public let transport: any HTTPTransport
    public let timeouts: Timeouts
    /// "HOST:PORT" to connect to instead of the account's endpoint (a fault proxy).
    public let connectVia: String?
    private let observer: AttemptObserver?

    /// How one request is authorised.
    public enum Credential: Sendable {
        case accountKey
        /// A SAS token (query string without '?').
        case sas(String)
    }

    public init(signer: AzureSigner, transport: any HTTPTransport, timeouts: Timeouts = Timeouts(),
                observer: AttemptObserver? = nil, connectVia: String? = nil) {
        self.signer = signer
        self.transport = transport
        self.timeouts = timeouts
        self.observer = observer
        self.connectVia = connectVia
    }

    public var account: AzureAccount { signer.account }

    /// An unauthenticated GET of the account's root: any HTTP answer proves the endpoint is reachable.
    public func probeEndpoint(timeouts: Timeouts) async throws -> HTTPResponse {
        let request = HTTPRequest(method: HTTPMethod.get.rawValue, url: account.url + "/", timeouts: timeouts, connectTo: connectVia)
        return try await transport.sendObserved(request, sink: nil, record: AttemptRecord(operation: .probe, method: .get, bucket: nil, key: nil,
                                                                                          partNumber: nil, metrics: AttemptMetrics()),
                                                observer: observer)
    }

    // MARK: containers

    /// Get Container Properties: proves the key and that the container exists.
    public func containerProperties(_ container: String) async throws {
        _ = try await send(.getContainerProperties, .get, container: container, blob: nil, query: [("restype", "container")])
    }

    public struct StoredPolicy: Sendable, Equatable {
        public var id: String
        public var start: String?
        public var expiry: String?
        /// The permission letters, e.g. "racwdl".
        public var permission: String
    }

    /// Get Container ACL: the container's stored access policies.
    public func containerPolicies(_ container: String) async throws -> [StoredPolicy] {
        let response = try await send(.getContainerACL, .get, container: container, blob: nil,
                                      query: [("restype", "container"), ("comp", "acl")])
        let document = try Self.document(response, .getContainerACL)
        return document.all("SignedIdentifier").map { node in
            let policy = node.child("AccessPolicy")
            return StoredPolicy(id: node.value("Id") ?? "", start: policy?.value("Start"), expiry: policy?.value("Expiry"),
                                permission: policy?.value("Permission") ?? "")
        }
    }

    public struct BlobSummary: Sendable {
        public var name: String
        public var size: Int64
    }

    /// List Blobs, following NextMarker to the end. `uncommitted`: also blobs that have only staged
    /// blocks (include=uncommittedblobs), which a block upload cut short leaves.
    public func listBlobs(container: String, prefix: String = "", pageSize: Int = 5000, uncommitted: Bool = false) async throws -> [BlobSummary] {
        var found: [BlobSummary] = []
        var marker: String?
        repeat {
            var query = [("restype", "container"), ("comp", "list"), ("prefix", prefix), ("maxresults", String(pageSize))]
            if uncommitted { query.append(("include", "uncommittedblobs")) }
            if let marker { query.append(("marker", marker)) }
            let response = try await send(.listBlobs, .get, container: container, blob: nil, query: query)
            let document = try Self.document(response, .listBlobs)
            for blob in document.child("Blobs")?.all("Blob") ?? [] {
                found.append(BlobSummary(name: blob.value("Name") ?? "",
                                         size: Int64(blob.child("Properties")?.value("Content-Length") ?? "") ?? -1))
            }
            marker = document.value("NextMarker").flatMap { $0.isEmpty ? nil : $0 }
        } while marker != nil
        return found
    }

    // MARK: blobs

    /// Put Block. Block ids are base64 and of one length within a blob.
    public func putBlock(container: String, blob: String, blockId: String, body: RequestBody, credential: Credential = .accountKey,
                         number: Int? = nil) async throws {
        _ = try await send(.putBlock, .put, container: container, blob: blob, query: [("comp", "block"), ("blockid", blockId)],
                           body: body, credential: credential, partNumber: number)
    }

    /// Put Block List: commits the blocks in order; `contentMD5` (base64) becomes the blob's Content-MD5.
    public func putBlockList(container: String, blob: String, blockIds: [String], contentMD5: String?,
                             credential: Credential = .accountKey) async throws {
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>"
        for id in blockIds { xml += "<Latest>\(id)</Latest>" }
        xml += "</BlockList>"
        var headers = [HTTPHeader("Content-Type", "application/xml")]
        if let contentMD5 { headers.append(HTTPHeader("x-ms-blob-content-md5", contentMD5)) }
        _ = try await send(.putBlockList, .put, container: container, blob: blob, query: [("comp", "blocklist")],
                           headers: headers, body: .bytes(Array(xml.utf8)), credential: credential)
    }

    public struct BlockList: Sendable {
        public var committed: [(id: String, size: Int64)]
        public var uncommitted: [(id: String, size: Int64)]
    }

    public func blockList(container: String, blob: String, credential: Credential = .accountKey) async throws -> BlockList {
        let response = try await send(.getBlockList, .get, container: container, blob: blob,
                                      query: [("comp", "blocklist"), ("blocklisttype", "all")], credential: credential)
        let document = try Self.document(response, .getBlockList)
        func blocks(_ name: String) -> [(id: String, size: Int64)] {
            (document.child(name)?.all("Block") ?? []).map { ($0.value("Name") ?? "", Int64($0.value("Size") ?? "") ?? -1) }
        }
        return BlockList(committed: blocks("CommittedBlocks"), uncommitted: blocks("UncommittedBlocks"))
    }

    /// Put Blob: a block blob in one request. `contentMD5` (base64) is checked by the service and
    /// kept as the blob's Content-MD5.
    public func putBlob(container: String, blob: String, body: RequestBody, contentMD5: String? = nil,
                        credential: Credential = .accountKey) async throws {
        var headers = [HTTPHeader("x-ms-blob-type", "BlockBlob")]
        if let contentMD5 { headers.append(HTTPHeader("Content-MD5", contentMD5)) }
        _ = try await send(.putBlob, .put, container: container, blob: blob, headers: headers, body: body, credential: credential)
    }

    /// Get Blob, whole or an inclusive byte range (x-ms-range); 200 or 206.
    public func getBlob(container: String, blob: String, range: ClosedRange<Int64>? = nil, sink: ResponseSink? = nil,
                        credential: Credential = .accountKey, number: Int? = nil) async throws -> HTTPResponse {
        let headers = range.map { [HTTPHeader("x-ms-range", "bytes=\($0.lowerBound)-\($0.upperBound)")] } ?? []
        return try await send(.getBlob, .get, container: container, blob: blob, headers: headers, credential: credential,
                              partNumber: number, sink: sink)
    }

    public struct BlobProperties: Sendable {
        public var size: Int64
        /// Base64 MD5 of the whole blob, when one was stored.
        public var contentMD5: String?
        public var etag: String
    }

    public func blobProperties(container: String, blob: String, credential: Credential = .accountKey) async throws -> BlobProperties {
        let response = try await send(.getBlobProperties, .head, container: container, blob: blob, credential: credential)
        return BlobProperties(size: Int64(response.header("content-length") ?? "") ?? -1,
                              contentMD5: response.header("content-md5"), etag: response.header("etag") ?? "")
    }

    /// Whether a blob exists (Get Blob Properties with the account key; a 404 is the answer "no").
    public func blobExists(container: String, blob: String) async throws -> Bool {
        do {
            _ = try await send(.blobExists, .head, container: container, blob: blob, notFoundIsAnswer: true)
            return true
        } catch let error as AzureError where error.status == 404 {
            return false
        }
    }

    public func deleteBlob(container: String, blob: String) async throws {
        _ = try await send(.deleteBlob, .delete, container: container, blob: blob)
    }

    /// A URL for a container or blob with a SAS token, as Score's server hands one to its client.
    public func sasURL(container: String, blob: String?, token: String) -> String {
        account.scheme + "://" + account.authority + account.path(container: container, blob: blob) + "?" + token
    }

    // MARK: sending

    private func send(_ operation: StoreOperation, _ method: HTTPMethod, container: String, blob: String?, query: [(String, String)] = [],
                      headers: [HTTPHeader] = [], body: RequestBody = .empty, credential: Credential = .accountKey,
                      partNumber: Int? = nil, sink: ResponseSink? = nil, notFoundIsAnswer: Bool = false) async throws -> HTTPResponse {
        let path = account.path(container: container, blob: blob)
        var all = headers + [HTTPHeader("x-ms-date", AzureSigner.httpDate(Date())), HTTPHeader("x-ms-version", AzureSigner.serviceVersion)]
        var queryText = query.map { "\($0.0)=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
        switch credential {
        case .accountKey:
            // curl sends Content-Length for every PUT, 0 included; it is signed as the store will see it.
            var signed = all
            if method == .put { signed.append(HTTPHeader("Content-Length", String(body.length))) }
            all.append(HTTPHeader("Authorization", signer.authorization(method: method.rawValue, path: path, query: query, headers: signed)))
        case .sas(let token):
            queryText = queryText.isEmpty ? token : queryText + "&" + token
        }
        let url = account.scheme + "://" + account.authority + path + (queryText.isEmpty ? "" : "?" + queryText)
        let request = HTTPRequest(method: method.rawValue, url: url, headers: all, body: body, timeouts: timeouts, connectTo: connectVia)
        let record = AttemptRecord(operation: operation, method: method, bucket: container, key: blob, partNumber: partNumber,
                                   metrics: AttemptMetrics(), notFoundIsAnswer: notFoundIsAnswer)
        let response = try await transport.sendObserved(request, sink: sink, record: record, observer: observer)
        guard (200..<300).contains(response.status) else { throw AzureError(operation: operation, response: response) }
        return response
    }

    static func document(_ response: HTTPResponse, _ operation: StoreOperation) throws -> XMLNode {
        guard let document = XMLNode.parse(response.body) else {
            throw AzureError(operation: operation, malformed: response, why: "the answer is not XML")
        }
        return document
    }
}

/// Block ids as Score's Azure SDK makes them in spirit: base64 of a fixed-width number, so every
/// id of a blob has the same length (Azure insists).
public enum AzureBlockId {
    public static func make(_ number: Int) -> String {
        Data(String(format: "%08d", number).utf8).base64EncodedString()
    }
}
