import Foundation
import Model

/// A storage account and where its Blob service answers. Score builds the connection string
/// `DefaultEndpointsProtocol=<AZURE_ENDPOINTPROTOCOL>;AccountName=..;AccountKey=..`, which means
/// `<protocol>://<account>.blob.core.windows.net`; an override (an emulator, a test server, a proxy)
/// is a URL whose path may carry the account, Azurite-style: `http://127.0.0.1:10000/<account>`.
public struct AzureAccount: StoreAddress, Sendable, Equatable {
    public var name: String
    /// The account key, decoded from its base64.
    public var key: [UInt8]
    public var scheme: String
    public var authority: String
    /// "" for the real service, "/<account>" for a path-style endpoint.
    public var pathPrefix: String

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case keyNotBase64
        case badEndpoint(String)
        public var description: String {
            switch self {
            case .keyNotBase64: return "the account key is not base64"
            case .badEndpoint(let text): return "'\(text)' is not an http(s) URL"
            }
        }
    }

    public init(name: String, base64Key: String, scheme: String = "https", endpointOverride: String? = nil) throws {
        guard let key = AzureAccountText.key(base64Key) else { throw Problem.keyNotBase64 }
        self.name = name
        self.key = key
        if let endpointOverride {
            guard let endpoint = AzureAccountText.endpoint(endpointOverride) else { throw Problem.badEndpoint(endpointOverride) }
            (self.scheme, authority, pathPrefix) = (endpoint.scheme, endpoint.authority, endpoint.pathPrefix)
        } else {
            self.scheme = scheme.lowercased()
            authority = "\(name).blob.core.windows.net"
            pathPrefix = ""
        }
    }

    public var url: String { "\(scheme)://\(authority)\(pathPrefix)" }

    /// The URL path of a container or blob: names percent-encoded, '/' kept inside blob names.
    public func path(container: String, blob: String? = nil) -> String {
        pathPrefix + "/" + PercentEncoding.encode(container) + (blob.map { "/" + PercentEncoding.encode($0, keepSlash: true) } ?? "")
    }
}
