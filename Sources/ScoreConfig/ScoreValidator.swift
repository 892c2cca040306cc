import Foundation

/// The rules a `.env.score` must satisfy for Score (and for scoretune to test it), and the traps
/// worth a warning. Each finding names the variable and where its value came from.
struct ScoreValidator {
    let settings: ScoreSettings
    private var found: [Diagnostic] = []

    init(settings: ScoreSettings) { self.settings = settings }

    func run() -> [Diagnostic] {
        var v = self
        v.checkTemplates()
        v.checkMisspellings()
        switch settings.profile {
        case .s3: v.checkS3()
        case .azure: v.checkAzure()
        }
        v.checkSizes()
        v.checkCleanup()
        return v.found
    }

    private mutating func add(_ severity: Diagnostic.Severity, _ variable: ScoreVariable?, _ message: String, name: String? = nil) {
        let key = name ?? variable?.rawValue
        found.append(Diagnostic(severity: severity, variable: key,
                                location: key.flatMap { settings.values[$0]?.location } ?? settings.path, message: message))
    }

    /// `{{object_bucket}}` and friends: a template copied without being filled in.
    private mutating func checkTemplates() {
        for (key, value) in settings.values.sorted(by: { $0.key < $1.key })
        where value.text.contains("{{") && value.text.contains("}}") {
            let shown = (ScoreVariable(rawValue: key)?.isSecret ?? false) ? "****" : value.text
            add(.error, nil, "unfilled template value '\(shown)': replace it with the real value", name: key)
        }
    }

    private mutating func checkMisspellings() {
        for (wrong, right) in ScoreVariable.misspellings.sorted(by: { $0.key < $1.key }) where settings.values[wrong] != nil {
            let severity: Diagnostic.Severity = settings.values[right.rawValue] == nil ? .warning : .note
            add(severity, nil, "Score does not read this name (Spring binds it to another property); use \(right.rawValue)", name: wrong)
        }
    }

    private mutating func require(_ variables: [ScoreVariable], _ why: String) {
        for variable in variables where !settings.isSet(variable) {
            add(.error, variable, "missing: \(why)")
        }
    }

    private mutating func checkS3() {
        require([.s3Endpoint], "Score would talk to AWS at \(ScoreVariable.s3Endpoint.scoreDefault!); set the store's URL")
        require([.s3AccessKey, .s3SecretKey], "Score falls back to a ~/.aws profile, which scoretune cannot test; set the key")
        require([.objectBucket, .stateBucket], "Score would use the bucket 'oicr.icgc'; name the bucket")
        if settings.isSet(.s3Endpoint), !settings.endpoint.contains("{{") {
            if !ScoreValidator.isURL(settings.endpoint) {
                add(.error, .s3Endpoint, "'\(settings.endpoint)' is not a URL (expected http://host:port or https://host)")
            } else if !settings.endpoint.contains("://") {
                add(.note, .s3Endpoint, "no scheme given: the AWS SDK uses https")
            }
        }
        checkBoolean(.s3SigV4Enabled)
        if settings.isSet(.downloadPartSize) {
            add(.warning, .downloadPartSize, "not read by Score's S3 path: downloads reuse the upload part layout (UPLOAD_PARTSIZE)")
        }
        for azure in [ScoreVariable.azureAccountName, .azureAccountKey, .bucketPolicyUpload, .bucketPolicyDownload, .scoretuneAzureEndpoint]
        where settings.isSet(azure) {
            add(.note, azure, "an Azure setting, ignored under the S3 profile")
        }
    }

    private mutating func checkAzure() {
        require([.azureAccountName, .azureAccountKey], "the Azure connection string needs it")
        require([.objectBucket], "Score would use the container 'oicr.icgc'; name the container")
        for policy in [ScoreVariable.bucketPolicyUpload, .bucketPolicyDownload] where !settings.isSet(policy) {
            add(.note, policy, "not set: Score uses the stored access policy '\(policy.scoreDefault!)'")
        }
        if let proto = settings.values[ScoreVariable.azureEndpointProtocol.rawValue]?.text, !["http", "https"].contains(proto) {
            add(.error, .azureEndpointProtocol, "must be http or https, got '\(proto)'")
        }
        if let key = value(.azureAccountKey), Data(base64Encoded: key) == nil {
            add(.error, .azureAccountKey, "is not base64: copy key1 or key2 from the storage account's Access keys")
        }
        if let account = value(.azureAccountName),
           account.count < 3 || account.count > 24 || !account.allSatisfy({ $0.isLowercase || $0.isNumber }) {
            add(.error, .azureAccountName, "'\(account)' is not a storage account name (3 to 24 lower-case letters and digits)")
        }
        if let endpoint = value(.scoretuneAzureEndpoint) {
            let parsed = URLComponents(string: endpoint)
            if parsed?.host == nil || !["http", "https"].contains(parsed?.scheme?.lowercased() ?? "") {
                add(.error, .scoretuneAzureEndpoint, "'\(endpoint)' is not an http(s) URL")
            } else {
                add(.note, .scoretuneAzureEndpoint, "scoretune talks to \(endpoint) instead of the account's blob.core.windows.net endpoint (Score does not read this)")
            }
        }
        if settings.isSet(.uploadPartSize) {
            add(.note, .uploadPartSize, "has no effect on Azure uploads (Score issue #308: the client's azure.blockSize decides); downloads use it")
        }
    }

    private mutating func checkBoolean(_ variable: ScoreVariable) {
        if let value = settings.values[variable.rawValue]?.text, !["true", "false"].contains(value.lowercased()) {
            add(.error, variable, "must be true or false, got '\(value)'")
        }
    }

    private mutating func checkSizes() {
        if let text = value(.uploadPartSize) {
            if let size = Int64(text), size > 0 {
                if size >= Int64(Int32.max) + 1 {
                    add(.error, .uploadPartSize, "\(size) does not fit Score's 32-bit int (must stay below 2^31 = 2147483648)")
                } else if size < Int64(PartCalculator.minimumPartSize) && settings.profile == .s3 {
                    add(.note, .uploadPartSize, "\(size) is below Score's 20 MiB floor: parts will be 20971520 bytes")
                }
            } else {
                add(.error, .uploadPartSize, "must be a whole number of bytes, got '\(text)'")
            }
        }
        if let text = value(.downloadPartSize), Int64(text).map({ $0 <= 0 }) ?? true {
            add(.error, .downloadPartSize, "must be a whole number of bytes, got '\(text)'")
        }
        if let text = value(.uploadRetryLimit), Int(text).map({ $0 < 0 }) ?? true {
            add(.error, .uploadRetryLimit, "must be a whole number of retries, got '\(text)'")
        }
        for timeout in [ScoreVariable.uploadConnectionTimeout, .uploadConnectionTimeoutDocumented] {
            if let text = value(timeout), Int(text).map({ $0 <= 0 }) ?? true {
                add(.error, timeout, "must be a whole number of milliseconds, got '\(text)'")
            }
        }
        let documented = value(.uploadConnectionTimeoutDocumented)
        let binding = value(.uploadConnectionTimeout)
        if let documented, binding == nil {
            add(.warning, .uploadConnectionTimeoutDocumented,
                "Score does not read it: Spring binds it to upload.connectiontimeout, which nothing uses, so the connect timeout stays 15000 ms; also set UPLOAD_CONNECTION_TIMEOUT=\(documented)")
        } else if let documented, let binding, documented != binding {
            add(.warning, .uploadConnectionTimeoutDocumented,
                "differs from UPLOAD_CONNECTION_TIMEOUT=\(binding), which is the one Score uses")
        }
    }

    private mutating func checkCleanup() {
        checkBoolean(.uploadCleanEnabled)
        if let cron = value(.uploadCleanCron) {
            do {
                _ = try SpringCron(cron)
            } catch let error as SpringCron.ParseError {
                add(.error, .uploadCleanCron, error.message)
            } catch {}
        }
    }

    /// A value that is set and not an unfilled template (those are reported once, above).
    private func value(_ variable: ScoreVariable) -> String? {
        guard let text = settings.values[variable.rawValue]?.text, !text.contains("{{") else { return nil }
        return text
    }

    static func isURL(_ text: String) -> Bool {
        var rest = Substring(text)
        if let range = rest.range(of: "://") {
            guard ["http", "https"].contains(rest[..<range.lowerBound].lowercased()) else { return false }
            rest = rest[range.upperBound...]
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains(where: { " /?#\"'".contains($0) }) else { return false }
        let host = rest.split(separator: ":", omittingEmptySubsequences: false)
        if host.count == 2 { return !host[0].isEmpty && Int(host[1]).map { (1...65535).contains($0) } == true }
        return host.count == 1 && rest.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }
    }
}
