/// One row of `scoretune check`: what was checked, how it went, how long it took, and — when it
/// did not pass — one line saying what to fix.
public struct CheckStep: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        case pass = "PASS", warn = "WARN", fail = "FAIL", skip = "SKIP"
    }

    /// The steps of both profiles' checks, by the names the table prints.
    public enum Name: String, Sendable, Codable, CaseIterable {
        case config, endpoint, credentials
        case objectBucket = "object bucket", stateBucket = "state bucket"
        case sentinel
        case multipartUpload = "multipart upload", listParts = "list parts", complete, rangedGet = "ranged GET"
        case listAndAbortUploads = "list & abort uploads", signing, cleanup
        // Azure
        case accountKey = "account key", container, uploadPolicy = "upload policy", downloadPolicy = "download policy"
        case accessPolicies = "access policies", sasUpload = "sas upload", sasDownload = "sas download"
    }

    public var name: Name
    public var status: Status
    public var milliseconds: Double
    public var detail: String
    /// Extra facts shown under the row (diagnostics, part sizes, cron firings, timings).
    public var notes: [String]

    public init(name: Name, status: Status, milliseconds: Double = 0, detail: String, notes: [String] = []) {
        self.name = name
        self.status = status
        self.milliseconds = milliseconds
        self.detail = detail
        self.notes = notes
    }
}

/// How `scoretune check` ends: 0 all passed (warnings allowed), 1 the backend is unreachable or
/// incompatible, 2 the configuration is bad.
public enum CheckOutcome: Int32, Sendable {
    case compatible = 0
    case incompatible = 1
    case badConfiguration = 2

    public static func of(_ steps: [CheckStep]) -> CheckOutcome {
        if steps.contains(where: { $0.name == .config && $0.status == .fail }) { return .badConfiguration }
        return steps.contains { $0.status == .fail } ? .incompatible : .compatible
    }
}
