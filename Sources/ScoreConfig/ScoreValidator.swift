import Foundation
import Model

/// The rules a `.env.score` must satisfy for Score (and for scoretune to test it), and the traps
/// worth a warning. Each finding names the variable and where its value came from.
struct ScoreValidator {
    let settings: ScoreSettings
    private var found: [Diagnostic] = []

    init(settings: ScoreSettings) { self.settings = settings }

    func run() -> [Diagnostic] {
        var v = self
        v.checkTemplates()
        v.checkEmpty()
        v.checkMisspellings()
        v.checkProfile()
        switch settings.profile {
        case .s3: v.checkS3()
        case .azure: v.checkAzure()
        }
        v.checkSizes()
        v.checkCleanup()
        return v.found
    }

    private mutating func add(_ severity: Diagnostic.Severity, _ variable: ScoreVariable?, _ message: DiagnosticText, name: String? = nil) {
        let key = name ?? variable?.rawValue
        found.append(Diagnostic(severity: severity, variable: key,
                                location: key.flatMap { settings.values[$0]?.location } ?? settings.path,
                                // No finding carries a secret's value, even when it also stands in
                                // another variable (a pasted line, a copied key): every value it
                                // quotes is masked, its own words are not.
                                message: message.rendered(settings.scrubbed)))
    }

    /// `{{object_bucket}}` and friends: a template copied without being filled in.
    private mutating func checkTemplates() {
        for (key, value) in settings.values.sorted(by: { $0.key < $1.key }) where Self.isTemplate(value.text) {
            let shown = SecretName.looksSecret(key) ? "****" : value.text
            add(.error, nil, "unfilled template value '\(shown)': replace it with the real value", name: key)
        }
    }

    /// A variable that is present but empty is not "unset": Spring binds the empty string (an
    /// empty bucket name, an empty key), so Score would fail at the first request.
    private mutating func checkEmpty() {
        for variable in ScoreVariable.allCases where variable != .springProfiles {
            if let text = settings.values[variable.rawValue]?.text, text.trimmingCharacters(in: .whitespaces).isEmpty {
                let fallback = variable.scoreDefault.map { "remove the line to use Score's default (\($0)) or give a value" } ?? "give a value"
                add(.error, variable, "is set but empty: \(fallback)")
            }
        }
    }

    /// Azure settings in a file whose profile is not Azure: Score would run its S3 beans and
    /// ignore them, which is rarely what the author meant.
    private mutating func checkProfile() {
        guard settings.profile == .s3 else { return }
        let azure = [ScoreVariable.azureAccountName, .azureAccountKey, .bucketPolicyUpload, .bucketPolicyDownload, .azureEndpointProtocol]
            .filter { settings.isSet($0) }.map(\.rawValue)
            + ["AZURE_ACCOUNT_NAME", "AZURE_ACCOUNT_KEY", "AZURE_ENDPOINT_PROTOCOL"].filter { settings.values[$0] != nil }
        guard !azure.isEmpty else { return }
        let profiles = settings.values[ScoreVariable.springProfiles.rawValue]?.text ?? ""
        let near = profiles.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.lowercased() == "azure" && $0 != "azure" }
        let why = near.map { "SPRING_PROFILES_ACTIVE lists '\($0)', but Spring profile names are case-sensitive: Score activates 'azure' only" }
            ?? (profiles.isEmpty ? "SPRING_PROFILES_ACTIVE is not set" : "SPRING_PROFILES_ACTIVE does not list azure")
        if settings.isSet(.s3Endpoint) {
            add(.warning, nil, "\(azure.joined(separator: ", ")) set, but \(why): Score uses the S3 profile and ignores them",
                name: ScoreVariable.springProfiles.rawValue)
        } else {
            add(.error, nil, "\(azure.joined(separator: ", ")) set, but \(why): Score would use the S3 profile; add azure to SPRING_PROFILES_ACTIVE (e.g. prod,azure)",
                name: ScoreVariable.springProfiles.rawValue)
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
        if value(.s3Endpoint) != nil {
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
        if settings.isSet(.scoretuneAzureEndpoint) {
            add(.note, .scoretuneAzureEndpoint, "an Azure setting, ignored under the S3 profile")
        }
    }

    private mutating func checkAzure() {
        require([.azureAccountName, .azureAccountKey], "the Azure connection string needs it")
        require([.objectBucket], "Score would use the container 'oicr.icgc'; name the container")
        for policy in [ScoreVariable.bucketPolicyUpload, .bucketPolicyDownload] where !settings.isSet(policy) {
            add(.note, policy, "not set: Score uses the stored access policy '\(policy.scoreDefault!)'")
        }
        if let proto = value(.azureEndpointProtocol), !["http", "https"].contains(proto) {
            add(.error, .azureEndpointProtocol, "must be http or https, got '\(proto)'")
        }
        if let key = value(.azureAccountKey), AzureAccountText.key(key) == nil {
            add(.error, .azureAccountKey, "is not base64: copy key1 or key2 from the storage account's Access keys")
        }
        if let account = value(.azureAccountName),
           !account.isEmpty,
           account.count < 3 || account.count > 24 || !account.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) }) {
            add(.error, .azureAccountName, "'\(account)' is not a storage account name (3 to 24 lower-case letters and digits)")
        }
        if let endpoint = value(.scoretuneAzureEndpoint) {
            if AzureAccountText.endpoint(endpoint) == nil {
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
        if let text = value(variable), !["true", "false"].contains(text.lowercased()) {
            add(.error, variable, "must be true or false, got '\(text)'")
        }
    }

    /// Score reads these into a Java `int`: a value outside 0…2^31−1 (or below `minimum`) stops
    /// Spring from starting, so it is an error here too.
    private mutating func checkInt(_ variable: ScoreVariable, minimum: Int64, unit: String) -> Int64? {
        guard let text = value(variable), !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        guard let number = ScoreValidator.javaInt(text) else {
            if ScoreValidator.javaLong(text) != nil {
                add(.error, variable, "\(text) does not fit Score's 32-bit int (must stay below 2^31 = 2147483648)")
            } else {
                add(.error, variable, "must be a whole number of \(unit), got '\(text)'")
            }
            return nil
        }
        guard number >= minimum else {
            add(.error, variable, "must be a whole number of \(unit) from \(minimum) to 2147483647, got \(number)")
            return nil
        }
        return number
    }

    private mutating func checkSizes() {
        if let size = checkInt(.uploadPartSize, minimum: 1, unit: "bytes"),
           size < PartCalculator.minimumPartSize, settings.profile == .s3 {
            add(.note, .uploadPartSize, "\(size) is below Score's 20 MiB floor: parts will be 20971520 bytes")
        }
        _ = checkInt(.downloadPartSize, minimum: 1, unit: "bytes")
        _ = checkInt(.uploadRetryLimit, minimum: 0, unit: "retries")
        _ = checkInt(.s3RetryLimit, minimum: 0, unit: "retries")
        for timeout in [ScoreVariable.uploadConnectionTimeout, .uploadConnectionTimeoutDocumented, .s3ConnectionTimeout] {
            _ = checkInt(timeout, minimum: 1, unit: "milliseconds")
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
                let parsed = try SpringCron(cron)
                if !parsed.firesEver, (value(.uploadCleanEnabled) ?? "true").lowercased() == "true" {
                    add(.warning, .uploadCleanCron, "never fires (no such date in 400 years): Score's cleanup job would never abort stale uploads")
                }
            } catch let error as SpringCron.ParseError {
                add(.error, .uploadCleanCron, "\(error.message)")
            } catch {}
        }
    }

    /// A value that is set, not empty and not an unfilled template (those are reported once, above).
    /// `{{object_bucket}}`: a template's placeholder, reported once as such (a lone `{{` is a value,
    /// judged like any other).
    static func isTemplate(_ text: String) -> Bool { text.contains("{{") && text.contains("}}") }

    private func value(_ variable: ScoreVariable) -> String? {
        guard let text = settings.values[variable.rawValue]?.text, !Self.isTemplate(text),
              !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return text
    }

    /// Java's `Integer.parseInt`: an optional sign and ASCII digits, within 32 bits.
    static func javaInt(_ text: String) -> Int64? {
        guard let value = javaLong(text), value >= Int64(Int32.min), value <= Int64(Int32.max) else { return nil }
        return value
    }

    static func javaLong(_ text: String) -> Int64? {
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return Int64(text)
    }

    static func isURL(_ text: String) -> Bool {
        var rest = Substring(text)
        if let range = rest.range(of: "://") {
            guard ["http", "https"].contains(rest[..<range.lowerBound].lowercased()) else { return false }
            rest = rest[range.upperBound...]
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains(where: { " /?#\"'@".contains($0) }) else { return false }
        var host = rest
        var port: Substring?
        if rest.hasPrefix("[") {
            // An IPv6 literal: [::1] or [::1]:7480.
            guard let close = rest.firstIndex(of: "]") else { return false }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            guard host.contains(":"), host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return false }
                port = after.dropFirst()
            }
        } else {
            let pieces = rest.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { return false }
            host = pieces[0]
            if pieces.count == 2 { port = pieces[1] }
            guard !host.isEmpty, host.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "-" || $0 == "_" }) else { return false }
        }
        if let port {
            guard port.allSatisfy(\.isASCII), let number = Int(port), (1...65535).contains(number) else { return false }
        }
        return true
    }
}
