import Foundation
import Transport

/// Azure Blob's REST API for block blobs, as far as scoretune and Score's Azure path use it: Shared
/// Key requests (the account named) and SAS requests (a stored access policy `si=` whose
/// permissions must cover the operation). Runs under the store's lock.
struct AzureDialect {
    let store: MemoryStore
    let account: String
    let pathPrefix: String

    /// Container and blob, after the account's path prefix.
    static func names(_ r: ParsedRequest, pathPrefix: String) -> (container: String?, blob: String?) {
        let skip = pathPrefix.split(separator: "/").count
        let rest = Array(r.segments.dropFirst(skip))
        let container = rest.first.flatMap { $0.isEmpty ? nil : $0 }
        let blob = rest.count > 1 ? rest.dropFirst().joined(separator: "/") : nil
        return (container, blob.flatMap { $0.isEmpty ? nil : $0 })
    }

    static func classify(_ r: ParsedRequest, pathPrefix: String) -> MemoryOperation {
        // The account's own path (path-style, as a test server or emulator has it).
        guard r.path.hasPrefix(pathPrefix + "/") else { return .unknown }
        let (container, blob) = names(r, pathPrefix: pathPrefix)
        guard container != nil else { return .unknown }
        let comp = r.query["comp"]
        if blob == nil {
            guard r.query["restype"] == "container" else { return .unknown }
            switch (r.method, comp) {
            case ("GET", "acl"?): return .containerACL
            case ("GET", "list"?): return .listBlobs
            case ("GET", nil), ("HEAD", nil): return .containerProperties
            default: return .unknown
            }
        }
        switch (r.method, comp) {
        case ("PUT", "block"?): return .putBlock
        case ("PUT", "blocklist"?): return .putBlockList
        case ("GET", "blocklist"?): return .getBlockList
        case ("PUT", nil): return .putBlob
        case ("GET", nil): return .getBlob
        case ("HEAD", nil): return .blobProperties
        case ("DELETE", nil): return .deleteBlob
        default: return .unknown
        }
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> Answer {
        .xml(status, "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>\(code)</Code><Message>\(XML.escape(message))</Message></Error>",
             headers: [HTTPHeader("x-ms-error-code", code), HTTPHeader("x-ms-request-id", "memory")])
    }

    /// The SAS permission letter an operation needs (nil: the account key only).
    static func permission(for operation: MemoryOperation) -> Character? {
        switch operation {
        case .putBlock, .putBlockList, .putBlob: return "w"
        case .getBlob, .blobProperties, .getBlockList: return "r"
        case .deleteBlob: return "d"
        case .listBlobs: return "l"
        default: return nil
        }
    }

    /// nil when the request may go on, else the refusal.
    private func authorize(_ r: ParsedRequest, _ operation: MemoryOperation, container: String) -> Answer? {
        if let auth = r.header("authorization") {
            guard auth.hasPrefix("SharedKey \(account):") else {
                return Self.error(403, "AuthenticationFailed", "Server failed to authenticate the request.")
            }
            return nil
        }
        guard r.query["sig"] != nil else { return Self.error(404, "ResourceNotFound", "The specified resource does not exist.") }
        // A token past its expiry (or before its start) is refused, as the service does.
        let formatter = ISO8601DateFormatter()
        let now = Date()
        if let expiry = r.query["se"].flatMap(formatter.date(from:)), now > expiry {
            return Self.error(403, "AuthenticationFailed", "Signed expiry time has to be after signed start time and in the future.")
        }
        if let start = r.query["st"].flatMap(formatter.date(from:)), now < start {
            return Self.error(403, "AuthenticationFailed", "Signed start time is in the future.")
        }
        guard let needed = Self.permission(for: operation) else {
            return Self.error(403, "AuthorizationPermissionMismatch", "This operation needs the account key.")
        }
        var letters = r.query["sp"] ?? ""
        if let id = r.query["si"] {
            guard let policy = store.policies[container]?.first(where: { $0.id == id }) else {
                return Self.error(403, "AuthenticationFailed", "Signed identifier \(id) was not found.")
            }
            letters += policy.permission
        }
        // c (create) writes a new block blob as w does.
        let writes = letters.contains("w") || letters.contains("c")
        guard letters.contains(needed) || (needed == "w" && writes) else {
            return Self.error(403, "AuthorizationPermissionMismatch", "This request is not authorized to perform this operation using this permission.")
        }
        return nil
    }

    func answer(_ r: ParsedRequest, _ operation: MemoryOperation) -> Answer {
        let (containerName, blobName) = Self.names(r, pathPrefix: pathPrefix)
        guard let container = containerName, operation != .unknown else {
            return Self.error(400, "InvalidUri", "The requested URI does not represent any resource on the server.")
        }
        if let refused = authorize(r, operation, container: container) { return refused }
        guard store.buckets[container] != nil else { return Self.error(404, "ContainerNotFound", "The specified container does not exist.") }
        let blob = blobName ?? ""
        let path = "\(container)/\(blob)"
        switch operation {
        case .containerProperties: return Answer(status: 200, headers: [HTTPHeader("etag", "\"container\"")])
        case .containerACL:
            let identifiers = (store.policies[container] ?? []).map {
                "<SignedIdentifier><Id>\(XML.escape($0.id))</Id><AccessPolicy><Permission>\($0.permission)</Permission></AccessPolicy></SignedIdentifier>"
            }.joined()
            return .xml(200, "<?xml version=\"1.0\" encoding=\"utf-8\"?><SignedIdentifiers>\(identifiers)</SignedIdentifiers>")
        case .listBlobs: return listBlobs(r, container)
        case .putBlock:
            guard let id = r.query["blockid"], let raw = Data(base64Encoded: id), !raw.isEmpty, raw.count <= 64 else {
                return Self.error(400, "InvalidQueryParameterValue", "Value for one of the query parameters specified in the request URI is invalid (blockid).")
            }
            // Every block id of a blob, staged or committed, has one length.
            let known = (store.stagedBlocks[path]?.keys.map(\.count) ?? []) + (store.buckets[container]?[blob]?.blocks.map(\.id.count) ?? [])
            if let other = known.first, other != id.count {
                return Self.error(400, "InvalidBlobOrBlock", "The specified blob or block content is invalid.")
            }
            if let given = r.header("content-md5"), given != r.body.md5Base64 {
                return Self.error(400, "Md5Mismatch", "The MD5 value specified in the request did not match with the MD5 value calculated by the server.")
            }
            store.stagedBlocks[path, default: [:]][id] = r.body
            return Answer(status: 201)
        case .putBlockList: return putBlockList(r, container, blob, path)
        case .getBlockList:
            let staged = store.stagedBlocks[path] ?? [:]
            let item = store.buckets[container]?[blob]
            guard item != nil || !staged.isEmpty else { return Self.error(404, "BlobNotFound", "The specified blob does not exist.") }
            let committed = (item?.blocks ?? []).map { "<Block><Name>\($0.id)</Name><Size>\($0.size)</Size></Block>" }.joined()
            let uncommitted = staged.keys.sorted().map { "<Block><Name>\($0)</Name><Size>\(staged[$0]!.count)</Size></Block>" }.joined()
            return .xml(200, "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList><CommittedBlocks>\(committed)</CommittedBlocks>"
                        + "<UncommittedBlocks>\(uncommitted)</UncommittedBlocks></BlockList>")
        case .putBlob:
            guard r.header("x-ms-blob-type") == "BlockBlob" else {
                return Self.error(400, "MissingRequiredHeader", "An HTTP header that's mandatory for this request is not specified (x-ms-blob-type).")
            }
            if let given = r.header("content-md5"), given != r.body.md5Base64 {
                return Self.error(400, "Md5Mismatch", "The MD5 value specified in the request did not match with the MD5 value calculated by the server.")
            }
            store.buckets[container]?[blob] = MemoryStore.StoredItem(bytes: r.body, etag: r.body.md5Hex, contentMD5: r.body.md5Base64,
                                                                    blocks: [])
            store.stagedBlocks[path] = nil
            return Answer(status: 201, headers: [HTTPHeader("etag", "\"\(r.body.md5Hex)\"")])
        case .getBlob:
            guard let item = store.buckets[container]?[blob] else { return Self.error(404, "BlobNotFound", "The specified blob does not exist.") }
            var headers = [HTTPHeader("etag", "\"\(item.etag)\"")]
            guard let range = r.header("x-ms-range") ?? r.header("range") else {
                if let md5 = item.contentMD5 { headers.append(HTTPHeader("content-md5", md5)) }
                return Answer(status: 200, headers: headers, body: item.bytes)
            }
            guard let bounds = ByteRange.parse(range, size: item.bytes.count) else {
                return Self.error(416, "InvalidRange", "The range specified is invalid for the current size of the resource.")
            }
            if let md5 = item.contentMD5 { headers.append(HTTPHeader("x-ms-blob-content-md5", md5)) }
            headers.append(HTTPHeader("content-range", "bytes \(bounds.lowerBound)-\(bounds.upperBound)/\(item.bytes.count)"))
            return Answer(status: 206, headers: headers, body: Array(item.bytes[bounds]))
        case .blobProperties:
            guard let item = store.buckets[container]?[blob] else { return Answer(status: 404, headers: [HTTPHeader("x-ms-error-code", "BlobNotFound")]) }
            var headers = [HTTPHeader("etag", "\"\(item.etag)\""), HTTPHeader("content-length", String(item.bytes.count))]
            if let md5 = item.contentMD5 { headers.append(HTTPHeader("content-md5", md5)) }
            return Answer(status: 200, headers: headers)
        case .deleteBlob:
            guard store.buckets[container]?[blob] != nil else { return Self.error(404, "BlobNotFound", "The specified blob does not exist.") }
            store.buckets[container]?[blob] = nil
            store.stagedBlocks[path] = nil
            return Answer(status: 202)
        default:
            return Self.error(400, "InvalidUri", "not served by the memory store: \(r.method) \(r.path)")
        }
    }

    private func putBlockList(_ r: ParsedRequest, _ container: String, _ blob: String, _ path: String) -> Answer {
        let text = String(decoding: r.body, as: UTF8.self)
        // The ids in document order, each with the list it names (an id may appear more than once).
        var ordered: [(String, String)] = []
        var rest = text[...]
        while let open = rest.range(of: #"<(Latest|Committed|Uncommitted)>"#, options: .regularExpression) {
            let tag = String(rest[open].dropFirst().dropLast())
            guard let close = rest.range(of: "</\(tag)>", range: open.upperBound..<rest.endIndex) else { break }
            ordered.append((tag, String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        let staged = store.stagedBlocks[path] ?? [:]
        let committed = Dictionary((store.buckets[container]?[blob]?.blocks ?? []).map { ($0.id, $0.size) }, uniquingKeysWith: { a, _ in a })
        var bytes: [UInt8] = []
        var blocks: [(id: String, size: Int)] = []
        let old = store.buckets[container]?[blob]?.bytes ?? []
        var offsets: [String: Int] = [:]
        var running = 0
        for block in store.buckets[container]?[blob]?.blocks ?? [] { offsets[block.id] = running; running += block.size }
        for (tag, id) in ordered {
            if tag != "Committed", let data = staged[id] {
                bytes += data
                blocks.append((id, data.count))
            } else if tag != "Uncommitted", let size = committed[id], let start = offsets[id] {
                bytes += old[start..<(start + size)]
                blocks.append((id, size))
            } else {
                return Self.error(400, "InvalidBlockList", "The specified block list is invalid.")
            }
        }
        let md5 = r.header("x-ms-blob-content-md5")
        store.buckets[container]?[blob] = MemoryStore.StoredItem(bytes: bytes, etag: bytes.md5Hex, contentMD5: md5, blocks: blocks)
        store.stagedBlocks[path] = nil
        return Answer(status: 201, headers: [HTTPHeader("etag", "\"\(bytes.md5Hex)\"")])
    }

    private func listBlobs(_ r: ParsedRequest, _ container: String) -> Answer {
        let prefix = r.query["prefix"] ?? ""
        let maxResults = max(1, min(5000, Int(r.query["maxresults"] ?? "") ?? 5000))
        let after = r.query["marker"] ?? ""
        var sizes: [String: Int] = [:]
        for (name, item) in store.buckets[container] ?? [:] { sizes[name] = item.bytes.count }
        if r.query["include"]?.contains("uncommittedblobs") == true {
            for (path, blocks) in store.stagedBlocks where path.hasPrefix(container + "/") && !blocks.isEmpty {
                let name = String(path.dropFirst(container.count + 1))
                if sizes[name] == nil { sizes[name] = 0 }
            }
        }
        let names = sizes.keys.filter { $0.hasPrefix(prefix) && $0 >= after }.sorted()
        let page = names.prefix(maxResults)
        let next = names.count > page.count ? names[page.count] : ""
        let blobs = page.map { "<Blob><Name>\(XML.escape($0))</Name><Properties><Content-Length>\(sizes[$0]!)</Content-Length></Properties></Blob>" }.joined()
        return .xml(200, "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults><Blobs>\(blobs)</Blobs>"
                    + "<NextMarker>\(XML.escape(next))</NextMarker></EnumerationResults>")
    }
}
