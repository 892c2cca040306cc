import Model
/// Stored MD5s per (seed, object, part size); part 0 is the whole object.
public protocol DigestStore: Sendable {
    func digests(seed: UInt64, objectIndex: Int, objectSize: Int64, partSize: Int64) async throws -> [Int: String]
    func storeDigests(seed: UInt64, objectIndex: Int, objectSize: Int64, partSize: Int64, md5s: [Int: String]) async throws
}

/// The MD5s Score's path needs (part ETags, `.meta` md5/sourceMd5, the object's MD5), computed once
/// per object and layout and kept in the store, so later cells and runs do not pay for them.
public struct DigestCache: Sendable {
    public let store: DigestStore
    public init(store: DigestStore) { self.store = store }

    public struct ObjectDigests: Sendable {
        public var whole: String
        /// parts[i] is part number i + 1.
        public var parts: [String]
    }

    public func digests(for object: SyntheticObject, partSize: Int64) async throws -> ObjectDigests {
        let expectedParts = Int(ObjectPart.count(objectSize: object.size, partSize: partSize))
        let parts = try await store.digests(seed: object.seed, objectIndex: object.index, objectSize: object.size, partSize: partSize)
        let whole = try await store.digests(seed: object.seed, objectIndex: object.index, objectSize: object.size, partSize: 0)[0]
        let ordered = (1...max(1, expectedParts)).compactMap { parts[$0] }
        if let whole, ordered.count == expectedParts {
            return ObjectDigests(whole: whole, parts: ordered)
        }
        let computed = try object.md5s(partSize: partSize)
        var byNumber: [Int: String] = [:]
        for (i, md5) in computed.parts.enumerated() { byNumber[i + 1] = md5 }
        try await store.storeDigests(seed: object.seed, objectIndex: object.index, objectSize: object.size, partSize: partSize, md5s: byNumber)
        try await store.storeDigests(seed: object.seed, objectIndex: object.index, objectSize: object.size, partSize: 0, md5s: [0: computed.whole])
        return ObjectDigests(whole: computed.whole, parts: computed.parts)
    }
}
