import Foundation
import Model
import Results
import ScoreConfig

/// The settings of each `.env.score` profile (S3 or Azure) for the chosen cell, and the client
/// memory and part size they rest on.
extension Recommendation {
    /// What one profile's fragment holds besides the client timeouts both share.
    struct ProfileSettings {
        var settings: [Setting]
        var properties: [Setting]
        var notes: [String]
    }

    /// GB of memory for the parts (or blocks and ranges) a client buffers at once, at least 1:
    /// the largest part the cell really moved (Score's calculator may raise the configured one).
    static func memoryGiB(_ stats: CellStatistics) -> Int {
        max(1, Int((Double(stats.largestBuffer) * Double(stats.knobs.parallel) / Double(1 << 30)).rounded(.up)))
    }

    /// UPLOAD_PARTSIZE as Score honours it: on S3 never under its 20 MiB floor (under it Score would
    /// run 20 MiB parts); on Azure the download range size, exactly as configured.
    static func honouredPartSize(_ knobs: Knobs) -> Int64 {
        knobs.blockSize == nil ? max(knobs.uploadPartSize, PartCalculator.minimumPartSize) : knobs.uploadPartSize
    }

    static func s3Settings(_ analysis: RunAnalysis, chosen stats: CellStatistics, evidence: String,
                           connect: Advice, retry: Advice) -> ProfileSettings {
        let cell = stats.cell
        let part = honouredPartSize(cell.knobs)
        var settings = [Setting(name: .score(.uploadPartSize), value: "\(part)",
                                evidence: (part == cell.knobs.uploadPartSize ? "" : "the cell's \(Units.formatSize(cell.knobs.uploadPartSize)) raised to Score's 20 MiB floor, which is what Score would run; ") + evidence)]
        var notes: [String] = []
        if let download = cell.knobs.downloadPartSize {
            notes.append("the cell's ranged downloads used \(Units.formatSize(download)) parts (a plain client's setting): Score's S3 download path ignores DOWNLOAD_PARTSIZE and follows the upload layout, so it is not in the fragment")
        }
        settings.append(Setting(name: .score(.uploadRetryLimit), value: "\(retry.value)", advice: retry))
        let binding = "Spring binds UPLOAD_CONNECTION_TIMEOUT to upload.connection.timeout; the documented UPLOAD_CONNECTIONTIMEOUT binds to a property nothing reads, so both are set"
        var bound = Setting(name: .score(.uploadConnectionTimeout), value: "\(connect.value)", advice: connect)
        bound.evidence += ". " + binding
        settings.append(bound)
        settings.append(Setting(name: .score(.uploadConnectionTimeoutDocumented), value: "\(connect.value)", evidence: "the same value under the documented name",
                                basis: connect.basis, why: connect.why))
        let properties = [
            Setting(name: .client(.transportParallel), value: "\(cell.knobs.parallel)", evidence: "parts in flight per object in the chosen cell"),
            Setting(name: .client(.transportMemory), value: "\(memoryGiB(stats))",
                    evidence: "GB for memory-mapped parts: \(cell.knobs.parallel) × \(Units.formatSize(stats.largestBuffer)) (the largest part the cell moved) must fit, else fewer parts fly"),
        ]
        return ProfileSettings(settings: settings, properties: properties, notes: notes)
    }

    /// The Azure profile (docs/score.md): UPLOAD_PARTSIZE sets only the download range size; the
    /// upload block size and parallelism are score-client properties; the S3 SDK's retry limit and
    /// connect timeout do not apply.
    static func azureSettings(_ stats: CellStatistics, blockSize: Int64, evidence: String) -> ProfileSettings {
        let cell = stats.cell
        let settings = [Setting(name: .score(.uploadPartSize), value: "\(cell.knobs.uploadPartSize)",
                                evidence: "on Azure the download range size (Score's server divides downloads into parts of exactly this); uploads ignore it (Score issue #308). " + evidence)]
        let properties = [
            Setting(name: .client(.azureBlockSize), value: "\(blockSize)",
                    evidence: "upload block size of the chosen cell (\(Units.formatSize(blockSize))); env AZURE_BLOCKSIZE for the client's container"),
            Setting(name: .client(.transportParallel), value: "\(cell.knobs.parallel)", evidence: "blocks (upload) and ranges (download) in flight per object"),
            Setting(name: .client(.transportMemory), value: "\(memoryGiB(stats))",
                    evidence: "GB for buffered blocks and ranges: \(cell.knobs.parallel) × \(Units.formatSize(stats.largestBuffer)) must fit"),
        ]
        return ProfileSettings(settings: settings, properties: properties, notes: [
            "UPLOAD_RETRY_LIMIT and UPLOAD_CONNECTION_TIMEOUT configure Score's S3 client and do nothing on Azure; keep BUCKET_POLICY_UPLOAD / BUCKET_POLICY_DOWNLOAD as `scoretune check` passed them",
        ])
    }
}
