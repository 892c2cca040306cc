import Foundation

/// How the text of the Azure settings is read: one set of rules for the validator that judges a
/// `.env.score` (`config`, the first step of `check`) and for the account that signs requests with
/// it, so that the two cannot give different verdicts on one file.
public enum AzureAccountText {
    /// The account key's bytes: non-empty base64 (surrounding blanks ignored); nil otherwise.
    public static func key(_ base64: String) -> [UInt8]? {
        guard let key = Data(base64Encoded: base64.trimmingCharacters(in: .whitespaces)), !key.isEmpty else { return nil }
        return Array(key)
    }

    /// An endpoint URL read as the account's address.
    public struct Endpoint: Sendable, Equatable {
        public var scheme: String
        /// host, or host:port.
        public var authority: String
        /// The URL's path without trailing slashes: "" or "/<account>" (Azurite's path style).
        public var pathPrefix: String
    }

    /// An http(s) URL with a host; nil for anything else ("http://", "127.0.0.1:10000", "ftp://h").
    public static func endpoint(_ text: String) -> Endpoint? {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else { return nil }
        var path = url.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        return Endpoint(scheme: scheme, authority: url.port.map { "\(host):\($0)" } ?? host, pathPrefix: path)
    }
}
