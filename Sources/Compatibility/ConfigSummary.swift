import Foundation
import ScoreConfig
import Model

/// The `config` row: the validation findings, then what Score will really do with the settings
/// (part sizes for a few object sizes, the next cleanup firings). Secrets never appear.
public enum ConfigSummary {
    public static func step(_ settings: ScoreSettings, now: Date = Date()) -> CheckStep {
        let errors = settings.errors
        let warnings = settings.diagnostics.filter { $0.severity == .warning }
        var notes = settings.diagnostics.sorted { $0.severity > $1.severity }
            .map { "\($0.severity.rawValue): \($0)" }
        // The findings' messages are masked already (each value they quote); the facts quote values too.
        if errors.isEmpty { notes += facts(settings, now: now).map(settings.scrubbed) }
        let status: CheckStep.Status = !errors.isEmpty ? .fail : (warnings.isEmpty ? .pass : .warn)
        let detail: String
        if let first = errors.first {
            detail = errors.count == 1 ? first.description : "\(first) (and \(errors.count - 1) more)"
        } else {
            detail = "\(settings.path): \(settings.profile.rawValue) profile, \(warnings.count) warning(s)"
        }
        return CheckStep(name: .config, status: status, detail: detail, notes: notes)
    }

    /// What Score will do with valid settings: part layouts, the binding timeout, cleanup times.
    public static func facts(_ settings: ScoreSettings, now: Date = Date()) -> [String] {
        var lines: [String] = []
        let calc = settings.partCalculator
        let sizes: [(String, Int64)] = [("100 MB", 100_000_000), ("10 GB", 10_000_000_000),
                                         ("250 GB", 250_000_000_000), ("1 TB", 1_000_000_000_000)]
        let layout = sizes.map { label, size in
            "\(label) → \(calc.partSize(forObjectOfSize: size)) B (\(Units.humanSize(calc.partSize(forObjectOfSize: size)))) × \(calc.partCount(objectSize: size))"
        }
        if settings.profile == .azure {
            // Azure uploads go in blocks of the client's azure.blockSize; Score's server cuts
            // downloads into parts of exactly UPLOAD_PARTSIZE (AzurePartCalculator: no floor, no
            // 10,000-part cap); there is no state bucket and no cleanup job.
            let range = settings.uploadPartSize
            let ranges = sizes.map { label, size in "\(label) → \((size + range - 1) / range) ranges" }
            lines.append("download ranges Score uses (exactly UPLOAD_PARTSIZE=\(range) bytes each): " + ranges.joined(separator: ", "))
            lines.append("uploads go in blocks of the client's azure.blockSize (default 104857600), not UPLOAD_PARTSIZE")
            lines.append("SAS tokens reference stored access policies \(settings.uploadPolicy) (upload) and \(settings.downloadPolicy) (download)")
            return lines
        }
        lines.append("part size Score uses (UPLOAD_PARTSIZE=\(settings.uploadPartSize)): " + layout.joined(separator: ", "))
        lines.append("connect timeout Score uses: \(settings.connectTimeoutMilliseconds) ms (UPLOAD_CONNECTION_TIMEOUT)")
        if (settings.text(.uploadCleanEnabled) ?? "true").lowercased() == "true", let cron = settings.cleanCron {
            let formatter = ISO8601DateFormatter()
            let firings = cron.nextFirings(after: now).map { formatter.string(from: $0) }
            lines.append("cleanup cron '\(settings.text(.uploadCleanCron) ?? "")' next fires (UTC): " + firings.joined(separator: ", "))
        }
        return lines
    }
}
