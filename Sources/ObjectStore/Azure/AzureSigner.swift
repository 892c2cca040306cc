import Foundation
import Hashing
import Transport

/// Azure Blob authorisation, as the reference SDK computes it (recorded vectors in
/// Tests/ObjectStoreTests/Vectors/azure-signatures.json):
/// - Shared Key: HMAC-SHA256 with the account key over the verb, eleven standard headers, the
///   sorted `x-ms-*` headers and the canonical resource `/<account><URL path>` plus the sorted
///   query parameters;
/// - service SAS: HMAC-SHA256 over the signed fields, the resource `/blob/<account>/<container>[/<blob>]`
///   and, when a stored access policy is named (`si=`), whatever the policy leaves to the token.
public struct AzureSigner: Sendable {
    public let account: AzureAccount
    /// The service version sent as x-ms-version and signed into SAS tokens (sv=).
    public static let serviceVersion = "2026-10-06"

    public init(account: AzureAccount) { self.account = account }

    // MARK: Shared Key

    /// `Authorization: SharedKey <account>:<signature>` for a request whose headers already hold
    /// x-ms-date and x-ms-version. `path` is the URL path as sent; query values are not encoded.
    public func authorization(method: String, path: String, query: [(String, String)], headers: [HTTPHeader]) -> String {
        let text = sharedKeyString(method: method, path: path, query: query, headers: headers)
        return "SharedKey \(account.name):\(sign(text))"
    }

    public func sharedKeyString(method: String, path: String, query: [(String, String)], headers: [HTTPHeader]) -> String {
        var byName: [String: String] = [:]
        for header in headers { byName[header.name.lowercased()] = header.value }
        // A zero Content-Length is signed as empty (service version 2015-02-21 and later).
        if byName["content-length"] == "0" { byName["content-length"] = nil }
        let standard = ["content-encoding", "content-language", "content-length", "content-md5", "content-type", "date",
                        "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range"]
        let lines = [method] + standard.map { byName[$0] ?? "" }
        let msHeaders = byName.keys.filter { $0.hasPrefix("x-ms-") }.sorted()
        var text = lines.joined(separator: "\n") + "\n"
        for name in msHeaders { text += "\(name):\(byName[name]!)\n" }
        text += "/\(account.name)\(path)"
        for (name, value) in query.map({ ($0.0.lowercased(), $0.1) }).sorted(by: { $0 < $1 }) {
            text += "\n\(name):\(value)"
        }
        return text
    }

    // MARK: SAS

    public enum SASResource: String, Sendable { case blob = "b", container = "c" }

    /// A service SAS token (the query string, without '?'). With `policy`, permissions (and any of
    /// start/expiry left nil) come from the container's stored access policy of that name.
    public func sasToken(container: String, blob: String?, policy: String?, permissions: String?,
                         start: Date?, expiry: Date?) -> String {
        let resource: SASResource = blob == nil ? .container : .blob
        let startText = start.map(AzureSigner.sasTime), expiryText = expiry.map(AzureSigner.sasTime)
        let canonical = "/blob/\(account.name)/\(container)" + (blob.map { "/\($0)" } ?? "")
        // sp st se resource si sip spr sv sr snapshot ses rscc rscd rsce rscl rsct
        let fields = [permissions ?? "", startText ?? "", expiryText ?? "", canonical, policy ?? "", "", "",
                      AzureSigner.serviceVersion, resource.rawValue, "", "", "", "", "", "", ""]
        let signature = sign(fields.joined(separator: "\n"))
        var pairs: [(String, String)] = []
        if let startText { pairs.append(("st", startText)) }
        if let expiryText { pairs.append(("se", expiryText)) }
        if let permissions { pairs.append(("sp", permissions)) }
        pairs.append(("sv", AzureSigner.serviceVersion))
        if let policy { pairs.append(("si", policy)) }
        pairs.append(("sr", resource.rawValue))
        pairs.append(("sig", signature))
        return pairs.map { "\($0.0)=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
    }

    /// A SAS as Score's server makes one for its client: a stored access policy grants the
    /// permissions; the token starts 15 minutes ago (clock skew) and expires in a day.
    public func scoreSASToken(container: String, blob: String, policy: String, now: Date = Date()) -> String {
        sasToken(container: container, blob: blob, policy: policy, permissions: nil,
                 start: now.addingTimeInterval(-15 * 60), expiry: now.addingTimeInterval(86_400))
    }

    /// ISO 8601 in UTC to the second, as the SDK writes SAS times.
    static func sasTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// RFC 1123 for x-ms-date.
    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    private func sign(_ text: String) -> String {
        HMAC.authenticate(.sha256, key: account.key, message: Array(text.utf8)).base64String
    }
}
