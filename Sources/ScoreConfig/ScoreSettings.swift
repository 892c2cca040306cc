import Foundation
import Model

public enum ScoreProfile: String, Sendable, Codable {
    case s3, azure
}

/// A `.env.score` with the environment laid over it, validated against what Score does with each
/// variable. Reading never fails on content: problems become diagnostics; only an unreadable or
/// unparseable file throws.
public struct ScoreSettings: Sendable {
    public struct Value: Sendable, Equatable {
        public var text: String
        public var location: String
        /// Set when the environment overrides a value the file gives: the file's own value.
        public var fileText: String? = nil
    }

    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let path: String
    public let profile: ScoreProfile
    public private(set) var values: [String: Value] = [:]
    public private(set) var diagnostics: [Diagnostic] = []
    /// The values of every key that looks secret (worked out once: `SecretName` is not cheap).
    public private(set) var secretValues: [String] = []
    /// What `scrubbed` masks: every secret value and every word of one, longest first.
    private var maskedPieces: [String] = []

    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ScoreSettings {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw LoadError(description: "\(path): \(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoadError(description: "\(path): is not UTF-8 text")
        }
        do {
            return ScoreSettings(file: try EnvFile(path: path, text: text), environment: environment)
        } catch let error as EnvFile.ParseError {
            throw LoadError(description: error.description)
        }
    }

    public init(file: EnvFile, environment: [String: String] = [:]) {
        path = file.path
        // The environment overrides the file (below), as it does for Score's container.
        let watched = ScoreVariable.allCases.map(\.rawValue) + Array(ScoreVariable.misspellings.keys)
        var duplicates: [Diagnostic] = []
        var lineOf: [String: Int] = [:]
        for entry in file.entries {
            // The last assignment wins, as in a shell or docker's env_file; an earlier one is a mistake worth naming.
            if let earlier = lineOf[entry.key] {
                duplicates.append(Diagnostic(severity: .warning, variable: entry.key, location: "\(file.path):\(entry.line)",
                                             message: "set twice, on lines \(earlier) and \(entry.line): line \(entry.line) wins"
                                                + (environment[entry.key] != nil && watched.contains(entry.key) ? " over the earlier one, and the environment over both" : "")))
            }
            lineOf[entry.key] = entry.line
            values[entry.key] = Value(text: entry.value, location: "\(file.path):\(entry.line)")
        }
        for name in watched {
            if let value = environment[name] { values[name] = Value(text: value, location: "environment", fileText: values[name]?.text) }
        }
        profile = ScoreSettings.activeProfile(values[ScoreVariable.springProfiles.rawValue]?.text)
        // Every secret value the file or the environment holds, overridden and repeated ones too: any of
        // them may have been pasted into another value.
        let everySecret = file.entries.filter { SecretName.looksSecret($0.key) }.map(\.value)
            + values.filter { SecretName.looksSecret($0.key) }.map(\.value.text)
            + (file.entries.map(\.value) + values.values.map(\.text)).flatMap { JoinedLine.secrets(in: $0).map(\.value) }
        secretValues = Array(Set(everySecret.filter { !$0.isEmpty })).sorted()
        // Pieces of 6 characters or more: a shorter "secret" (a test's `wrong`, a placeholder) is a
        // common word, and masking it would garble the very message that names the problem.
        let words = secretValues.flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
        maskedPieces = Set(secretValues + words).filter { $0.unicodeScalars.count >= 6 }
            .sorted { ($0.unicodeScalars.count, $0) > ($1.unicodeScalars.count, $1) }
        var joined: [Diagnostic] = []
        for key in values.keys.sorted() where !SecretName.looksSecret(key) {
            guard let name = JoinedLine.secrets(in: values[key]!.text).first?.name else { continue }
            // Only a name of Score's own is quoted: what ran into it may be a piece of a secret.
            let known = ScoreVariable.allCases.first { $0.isSecret && name.uppercased().hasSuffix($0.rawValue) }
            joined.append(Diagnostic(severity: .warning, variable: key, location: values[key]!.location,
                                     message: "its value holds " + (known.map { "'\($0.rawValue)=****'" } ?? "an assignment to a secret-looking name")
                                        + ": two lines run together (a lost newline?); Score reads all of it as \(key)'s value"))
        }
        diagnostics = duplicates + joined + ScoreValidator(settings: self).run()
    }

    /// Score's Azure beans are `@Profile("azure")`: the profile is Azure exactly when
    /// SPRING_PROFILES_ACTIVE lists `azure` (Spring splits it at commas and trims each name).
    static func activeProfile(_ list: String?) -> ScoreProfile {
        let names = (list ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return names.contains("azure") ? .azure : .s3
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var isValid: Bool { errors.isEmpty }

    // MARK: typed values (Score's defaults where unset; meaningful once `isValid`)

    public func text(_ variable: ScoreVariable) -> String? {
        values[variable.rawValue]?.text ?? variable.scoreDefault
    }

    public func isSet(_ variable: ScoreVariable) -> Bool { values[variable.rawValue] != nil }

    public var endpoint: String { text(.s3Endpoint) ?? "" }
    public var accessKey: String { text(.s3AccessKey) ?? "" }
    public var secretKey: String { text(.s3SecretKey) ?? "" }
    public var sigV4Enabled: Bool { (text(.s3SigV4Enabled) ?? "true").lowercased() == "true" }
    public var objectBucket: String { text(.objectBucket) ?? "" }
    public var stateBucket: String { text(.stateBucket) ?? "" }
    public var sentinel: String { text(.objectSentinel) ?? "heliograph" }
    public var uploadPartSize: Int64 { Int64(text(.uploadPartSize) ?? "") ?? 20_000_000 }
    public var retryLimit: Int { Int(text(.uploadRetryLimit) ?? "") ?? 5 }
    /// The connect timeout Score really uses: UPLOAD_CONNECTION_TIMEOUT (see the binding caveat).
    public var connectTimeoutMilliseconds: Int { Int(text(.uploadConnectionTimeout) ?? "") ?? 15_000 }
    public var azureAccountName: String { text(.azureAccountName) ?? "" }
    public var azureAccountKey: String { text(.azureAccountKey) ?? "" }
    public var azureProtocol: String { text(.azureEndpointProtocol) ?? "https" }
    public var azureEndpointOverride: String? { text(.scoretuneAzureEndpoint) }
    public var uploadPolicy: String { text(.bucketPolicyUpload) ?? "UploadPolicy" }
    public var downloadPolicy: String { text(.bucketPolicyDownload) ?? "DownloadPolicy" }
    public var partCalculator: PartCalculator { PartCalculator(uploadPartSize: uploadPartSize) }
    public var cleanCron: SpringCron? { try? SpringCron(text(.uploadCleanCron) ?? "") }

    /// Every set variable for display, in a stable order: a value whose key looks secret (any
    /// case, misspelt or unknown, see `SecretName`) as `****`, and so is any other value that holds
    /// a secret's text (a key pasted into OBJECT_SENTINEL).
    public var redactedLines: [String] {
        shownValues.map { shown in
            var line = "\(shown.name)=\(shown.value)"
            if let human = shown.humanSize { line += " (\(human))" }
            if shown.fromEnvironment {
                line += shown.fileValue.map { " (from the environment, the file says \($0))" }
                    ?? (shown.overridesFile ? " (from the environment, overriding the file)" : " (from the environment)")
            }
            return line
        }
    }

    /// One set variable as it may be shown: secrets as `****`.
    public struct ShownValue: Sendable, Encodable {
        public var name: String
        public var value: String
        /// `file:line` or `environment`.
        public var source: String
        public var fromEnvironment: Bool
        /// The environment overrides a value the file gives (the file's value, unless secret).
        public var overridesFile: Bool
        public var fileValue: String?
        /// Sizes in human units beside the bytes (`33554432` is `32MiB`).
        public var humanSize: String?
    }

    /// Every set variable for display, sorted by name, secrets masked (see `redactedLines`).
    public var shownValues: [ShownValue] {
        values.keys.sorted().map { key in
            let value = values[key]!
            let secret = SecretName.looksSecret(key)
            let size = Int64(value.text).flatMap { !secret && ScoreVariable(rawValue: key)?.isSize == true && $0 >= 1024 ? $0 : nil }
            return ShownValue(name: key, value: secret ? "****" : scrubbed(value.text), source: value.location,
                              fromEnvironment: value.location == "environment", overridesFile: value.fileText != nil,
                              fileValue: secret ? nil : value.fileText.map(scrubbed), humanSize: size.map(Units.humanSize))
        }
    }

    /// `text` with every secret value, and every word of one (6 characters or more), in any case,
    /// replaced by `****`: a message may quote a value that holds a copy of a secret.
    public func scrubbed(_ text: String) -> String {
        var result = text
        // Longest first: a short secret inside a longer one must not break the longer one's match
        // (found by fuzzing: an endpoint that was also a secret's value left the rest showing).
        for piece in maskedPieces { result = ScoreSettings.masking(piece, in: result) }
        // Then the values of assignments inside it (two lines run together); after the pieces, so
        // that a secret holding an `=` is masked whole first (found by fuzzing).
        return JoinedLine.masked(result)
    }

    /// Every occurrence of `piece` in `text`, ASCII letters in any case, as `****`. Scalar by
    /// scalar, without Foundation's case-insensitive search (which traps on some inputs: a NUL
    /// byte in a value, found by fuzzing).
    static func masking(_ piece: String, in text: String) -> String {
        let haystack = Array(text.unicodeScalars), needle = Array(piece.unicodeScalars)
        guard !needle.isEmpty, needle.count <= haystack.count else { return text }
        func folded(_ scalar: Unicode.Scalar) -> UInt32 { (65...90).contains(scalar.value) ? scalar.value + 32 : scalar.value }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < haystack.count {
            if i + needle.count <= haystack.count, needle.indices.allSatisfy({ folded(haystack[i + $0]) == folded(needle[$0]) }) {
                out.append(contentsOf: "****".unicodeScalars)
                i += needle.count
            } else {
                out.append(haystack[i])
                i += 1
            }
        }
        return String(out)
    }
}
