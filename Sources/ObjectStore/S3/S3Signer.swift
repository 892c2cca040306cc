import Foundation
import Hashing
import Transport

public struct S3Credentials: Sendable {
    public var accessKey: String
    public var secretKey: String
    public init(accessKey: String, secretKey: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
    }
}

/// Score chooses the signer with S3_SIGV4ENABLED; presigned URLs use the same one.
public enum S3SigningMode: Sendable, Equatable {
    case v4(region: String)
    case v2
}

/// A request as the signers see it: the path and query exactly as they will appear on the wire
/// (already percent-encoded), so what is signed is what is sent.
public struct SignableRequest: Sendable {
    public var method: String
    public var scheme: String
    /// host[:port], the port left out when it is the scheme's default (as botocore does).
    public var authority: String
    public var path: String
    /// Encoded `key=value` pairs (value may be absent, as in `?uploads`), in URL order.
    public var query: [(key: String, value: String?)]
    public var headers: [HTTPHeader]

    public var url: String {
        let q = queryString
        return "\(scheme)://\(authority)\(path)" + (q.isEmpty ? "" : "?\(q)")
    }

    var queryString: String {
        query.map { pair in pair.value.map { "\(pair.key)=\($0)" } ?? pair.key }.joined(separator: "&")
    }

    public init(method: String, scheme: String, authority: String, path: String,
                query: [(key: String, value: String?)] = [], headers: [HTTPHeader] = []) {
        self.method = method
        self.scheme = scheme
        self.authority = authority
        self.path = path
        self.query = query
        self.headers = headers
    }
}

/// AWS Signature Version 4 and Version 2 for S3, as header signatures and as presigned URLs.
/// Cross-checked against botocore by Tests/ObjectStoreTests (vectors from scripts/record-s3-vectors.py).
public struct S3Signer: Sendable {
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    public let credentials: S3Credentials
    public let mode: S3SigningMode

    public init(credentials: S3Credentials, mode: S3SigningMode) {
        self.credentials = credentials
        self.mode = mode
    }

    /// The headers to add to `request` so the store accepts it. `payloadHash` is the hex SHA-256
    /// of the body, or `unsignedPayload` for streamed bodies (SigV4 only).
    public func authorizationHeaders(for request: SignableRequest, payloadHash: String, date: Date) -> [HTTPHeader] {
        switch mode {
        case .v4(let region):
            let amzDate = SigningTime.amzDate(date)
            var headers = request.headers
            headers.append(HTTPHeader("X-Amz-Content-SHA256", payloadHash))
            headers.append(HTTPHeader("X-Amz-Date", amzDate))
            let (signed, signature) = sigV4(request, headers: headers, payloadHash: payloadHash,
                                             amzDate: amzDate, region: region)
            let scope = "\(credentials.accessKey)/\(amzDate.prefix(8))/\(region)/s3/aws4_request"
            return [HTTPHeader("X-Amz-Content-SHA256", payloadHash), HTTPHeader("X-Amz-Date", amzDate),
                    HTTPHeader("Authorization", "AWS4-HMAC-SHA256 Credential=\(scope), SignedHeaders=\(signed), Signature=\(signature)")]
        case .v2:
            let httpDate = SigningTime.httpDate(date)
            let signature = sigV2(request, dateLine: httpDate, headers: request.headers + [HTTPHeader("Date", httpDate)])
            return [HTTPHeader("Date", httpDate), HTTPHeader("Authorization", "AWS \(credentials.accessKey):\(signature)")]
        }
    }

    /// A presigned URL valid for `expires` seconds from `date`. Headers in `request` (a Range, say)
    /// are signed too under SigV4 and must be sent with the URL.
    public func presignedURL(for request: SignableRequest, expires: Int, date: Date) -> String {
        var out = request
        switch mode {
        case .v4(let region):
            let amzDate = SigningTime.amzDate(date)
            let scope = "\(credentials.accessKey)/\(amzDate.prefix(8))/\(region)/s3/aws4_request"
            let signedNames = canonicalHeaderNames(request.headers + [HTTPHeader("host", request.authority)])
            out.query += [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", PercentEncoding.encode(scope)),
                          ("X-Amz-Date", amzDate), ("X-Amz-Expires", String(expires)),
                          ("X-Amz-SignedHeaders", PercentEncoding.encode(signedNames))]
            let (_, signature) = sigV4(out, headers: request.headers, payloadHash: Self.unsignedPayload,
                                       amzDate: amzDate, region: region)
            out.query.append(("X-Amz-Signature", signature))
        case .v2:
            let expiry = String(Int(date.timeIntervalSince1970) + expires)
            let signature = sigV2(request, dateLine: expiry, headers: request.headers)
            out.query += [("AWSAccessKeyId", credentials.accessKey), ("Signature", PercentEncoding.encode(signature)),
                          ("Expires", expiry)]
        }
        return out.url
    }

    // MARK: Signature Version 4

    private func sigV4(_ request: SignableRequest, headers: [HTTPHeader], payloadHash: String,
                       amzDate: String, region: String) -> (signedHeaders: String, signature: String) {
        var all = headers
        if !all.contains(where: { $0.name.lowercased() == "host" }) { all.append(HTTPHeader("host", request.authority)) }
        let signedHeaders = canonicalHeaderNames(all)
        let grouped = Dictionary(grouping: all, by: { $0.name.lowercased() })
        let canonicalHeaders = grouped.keys.sorted().map { name -> String in
            let values: [String] = grouped[name]!.map { trimAll($0.value) }
            return name + ":" + values.joined(separator: ",")
        }.joined(separator: "\n")
        let pairs: [(String, String)] = request.query.map { ($0.key, $0.value ?? "") }
        let canonicalQuery = pairs
            .sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
        let canonicalRequest = [request.method, request.path, canonicalQuery, canonicalHeaders + "\n",
                                signedHeaders, payloadHash].joined(separator: "\n")
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(region)/s3/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope,
                            Digest.hash(.sha256, Array(canonicalRequest.utf8)).hexString].joined(separator: "\n")
        var key = Array("AWS4\(credentials.secretKey)".utf8)
        for part in [day, region, "s3", "aws4_request"] {
            key = HMAC.authenticate(.sha256, key: key, message: Array(part.utf8))
        }
        return (signedHeaders, HMAC.authenticate(.sha256, key: key, message: Array(stringToSign.utf8)).hexString)
    }

    private func canonicalHeaderNames(_ headers: [HTTPHeader]) -> String {
        Set(headers.map { $0.name.lowercased() }).sorted().joined(separator: ";")
    }

    private func trimAll(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    // MARK: Signature Version 2

    /// Query parameters that are part of the signed resource under SigV2 (the S3 sub-resources).
    private static let subresources: Set<String> = [
        "acl", "cors", "delete", "lifecycle", "location", "logging", "notification", "partNumber", "policy",
        "requestPayment", "restore", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning",
        "versions", "website", "response-content-type", "response-content-language", "response-expires",
        "response-cache-control", "response-content-disposition", "response-content-encoding",
    ]

    private func sigV2(_ request: SignableRequest, dateLine: String, headers: [HTTPHeader]) -> String {
        func header(_ name: String) -> String {
            headers.first { $0.name.lowercased() == name }?.value.trimmingCharacters(in: .whitespaces) ?? ""
        }
        let amz = Dictionary(grouping: headers.filter { $0.name.lowercased().hasPrefix("x-amz-") },
                             by: { $0.name.lowercased() })
        let amzHeaders = amz.keys.sorted().map { name -> String in
            let values: [String] = amz[name]!.map { $0.value.trimmingCharacters(in: .whitespaces) }
            return name + ":" + values.joined(separator: ",") + "\n"
        }.joined()
        var resource = request.path
        let sub = request.query.filter { Self.subresources.contains($0.key) }.sorted { $0.key < $1.key }
        if !sub.isEmpty {
            resource += "?" + sub.map { pair in
                pair.value.map { "\(pair.key)=\($0.removingPercentEncoding ?? $0)" } ?? pair.key
            }.joined(separator: "&")
        }
        let stringToSign = "\(request.method)\n\(header("content-md5"))\n\(header("content-type"))\n\(dateLine)\n\(amzHeaders)\(resource)"
        return HMAC.authenticate(.sha1, key: Array(credentials.secretKey.utf8), message: Array(stringToSign.utf8)).base64String
    }
}

extension SignableRequest {
    /// Splits an already-encoded URL into its parts without re-encoding anything.
    public init?(method: String, url: String, headers: [HTTPHeader] = []) {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = String(url[..<schemeEnd.lowerBound])
        let rest = url[schemeEnd.upperBound...]
        let pathStart = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = String(rest[..<pathStart])
        if (scheme == "http" && authority.hasSuffix(":80")) || (scheme == "https" && authority.hasSuffix(":443")) {
            authority = String(authority[..<authority.lastIndex(of: ":")!])
        }
        let pathAndQuery = rest[pathStart...]
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts.first.map(String.init) ?? ""
        var query: [(key: String, value: String?)] = []
        if parts.count > 1 {
            for item in parts[1].split(separator: "&") {
                let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.append((String(kv[0]), kv.count > 1 ? String(kv[1]) : nil))
            }
        }
        self.init(method: method, scheme: scheme, authority: authority, path: path.isEmpty ? "/" : path,
                  query: query, headers: headers)
    }
}
