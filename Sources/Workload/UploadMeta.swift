import Foundation

/// The JSON Score keeps in the state bucket: `upload/<id>_<uploadId>/.meta` while an upload runs
/// and `data/<id>.meta` once it is done (the layout every download follows).
struct UploadMeta: Codable, Sendable {
    struct Part: Codable, Sendable {
        var partNumber: Int
        var partSize: Int64
        var offset: Int64
        var url: String?
        var md5: String?
        var sourceMd5: String?
    }
    var objectId: String
    var objectKey: String
    var uploadId: String
    var objectSize: Int64
    var objectMd5: String?
    var parts: [Part]

    var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data())
    }

    static func decode(_ bytes: [UInt8]) throws -> UploadMeta {
        do {
            return try JSONDecoder().decode(UploadMeta.self, from: Data(bytes))
        } catch {
            throw TransferFailure(.verifyMismatch, "the object's .meta is not Score's JSON (\(error))")
        }
    }
}

/// The body of a part marker's key: `part-%08x|{"partNumber":N,"md5":"…","etag":"…"}`.
struct PartMarker: Codable, Sendable {
    var partNumber: Int
    var md5: String
    var etag: String

    func key(under prefix: String) -> String {
        let json = "{\"partNumber\":\(partNumber),\"md5\":\"\(md5)\",\"etag\":\"\(etag)\"}"
        return prefix + String(format: "part-%08x", partNumber) + "|" + json
    }

    static func parse(key: String) -> PartMarker? {
        guard let bar = key.firstIndex(of: "|") else { return nil }
        return try? JSONDecoder().decode(PartMarker.self, from: Data(key[key.index(after: bar)...].utf8))
    }
}
