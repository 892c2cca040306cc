import CCrypto

/// A streaming message digest over OpenSSL's EVP interface (MD5 for part ETags, SHA-256 for SigV4).
/// Not thread-safe: one digest belongs to one stream of bytes.
public final class Digest {
    public enum Algorithm: Sendable {
        case md5, sha1, sha256

        var evp: OpaquePointer? {
            switch self {
            case .md5: return EVP_md5()
            case .sha1: return EVP_sha1()
            case .sha256: return EVP_sha256()
            }
        }
    }

    private let context: OpaquePointer

    public init(_ algorithm: Algorithm) {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, algorithm.evp, nil) == 1 else {
            fatalError("OpenSSL could not initialise a digest")  // only on allocation failure
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    public func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    /// Ends the stream and returns the digest; the object must not be used afterwards.
    public func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        return Array(out.prefix(Int(length)))
    }

    public static func hash<Bytes: Sequence>(_ algorithm: Algorithm, _ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        let digest = Digest(algorithm)
        digest.update(bytes)
        return digest.finish()
    }
}

/// HMAC with OpenSSL's one-shot HMAC(): SigV4 key derivation and SigV2 signatures.
public enum HMAC {
    public static func authenticate(_ algorithm: Digest.Algorithm, key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                _ = CCrypto.HMAC(algorithm.evp, keyBytes.baseAddress, Int32(key.count),
                                 messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count,
                                 &out, &length)
            }
        }
        return Array(out.prefix(Int(length)))
    }
}
