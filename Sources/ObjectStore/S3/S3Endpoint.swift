/// Where the store is, from S3_ENDPOINT. Score forces path-style addressing, and so do we:
/// every URL is scheme://authority/bucket/key.
public struct S3Endpoint: StoreAddress, Sendable, Equatable {
    public var scheme: String
    public var authority: String

    /// Accepts `http://host:port`, `https://host` or a bare host (then https, as the AWS SDK does).
    public init?(_ text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        } else {
            scheme = "https"
        }
        guard scheme == "http" || scheme == "https" else { return nil }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains(" "), !rest.contains("?") else { return nil }
        authority = String(rest)
        if let colon = portColon {
            guard let port = Int(authority[authority.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        }
    }

    public var url: String { "\(scheme)://\(authority)" }
}
