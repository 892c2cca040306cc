import Model

/// The clients a recommendation can be written for (`recommend --for`). docs/exports.md holds the
/// mapping, with where each client documents its names.
public enum ExportTarget: String, CaseIterable, Sendable {
    case score
    case scoreClient = "score-client"
    case rclone
    case s5cmd
    case awscli
    case helm
}

/// One recommendation in one client's own terms: the same decision (`Recommendation.Decision`),
/// each value renamed and converted to the unit that client reads.
public struct ClientExport: Sendable {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    public var target: ExportTarget
    public var text: String

    public static func make(_ recommendation: Recommendation, for target: ExportTarget) throws -> ClientExport {
        let decision = recommendation.decision
        if decision.blockSize != nil, [.rclone, .s5cmd, .awscli].contains(target) {
            throw Unavailable(description: "--for \(target.rawValue): run \(recommendation.runId) measured Azure Blob (Score's Azure profile); "
                              + "the \(target.rawValue) export is written for S3 stores: use --for score, score-client or helm")
        }
        // Every export says where its values come from: kept ones are the operator's, not an answer.
        let header = "scoretune recommend: run \(recommendation.runId), \(recommendation.chosen.label)\n# " + decision.bases.summary
        switch target {
        case .score:
            return ClientExport(target: target, text: recommendation.envFragment)
        case .scoreClient:
            return ClientExport(target: target, text: scoreClient(decision, header: header))
        case .rclone:
            return ClientExport(target: target, text: rclone(decision, header: header))
        case .s5cmd:
            return ClientExport(target: target, text: s5cmd(decision, header: header))
        case .awscli:
            return ClientExport(target: target, text: awscli(decision, header: header))
        case .helm:
            return ClientExport(target: target, text: helm(decision, header: header))
        }
    }

    /// score-client's Spring properties, as lines for its `conf/application.properties` (its launcher
    /// reads that folder; it ignores `--name=value` arguments and JAVA_OPTS).
    static func scoreClient(_ decision: Recommendation.Decision, header: String) -> String {
        var lines = ["# \(header)",
                     "# score-client: add to conf/application.properties (or export TRANSPORT_PARALLEL=…, or JAVA_TOOL_OPTIONS=\"-Dtransport.parallel=…\")"]
        lines.append("transport.parallel=\(decision.parallel)")
        lines.append("transport.memory=\(decision.memoryGiB)")
        lines.append("storage.retryNumber=\(decision.retryLimit)")
        lines.append("client.connectTimeoutSeconds=\(seconds(decision.connectTimeoutMilliseconds))")
        if let read = decision.readTimeoutSeconds { lines.append("client.readTimeoutSeconds=\(read)") }
        if let block = decision.blockSize { lines.append("azure.blockSize=\(block)") }
        lines.append("# the part size is the server's: UPLOAD_PARTSIZE=\(decision.partSize) in its .env.score (recommend --for score)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A values fragment for Overture's Score chart (overture-stack/helm-charts, chart `score`):
    /// `appConfig.storageServer.partSize` and `.connectionTimeout` become UPLOAD_PARTSIZE and
    /// UPLOAD_CONNECTION_TIMEOUT; the chart has no key for the retry limit, so it goes in `extraEnv`.
    static func helm(_ decision: Recommendation.Decision, header: String) -> String {
        """
        # \(header)
        # values for Overture's Score Helm chart (helm upgrade … -f this-file)
        appConfig:
          storageServer:
            partSize: "\(decision.partSize)"
            connectionTimeout: "\(decision.connectTimeoutMilliseconds)"
        extraEnv:
          UPLOAD_RETRY_LIMIT: "\(decision.retryLimit)"

        """
    }

    /// rclone's S3 backend: flags for `rclone copy`. Sizes in rclone's binary suffixes (Mi = 2^20).
    static func rclone(_ decision: Recommendation.Decision, header: String) -> String {
        let part = rcloneSize(decision.partSize)
        let flags = [
            "--s3-chunk-size", part,
            "--s3-upload-cutoff", part,
            "--s3-upload-concurrency", "\(decision.parallel)",
            "--multi-thread-streams", "\(decision.parallel)",
            "--multi-thread-chunk-size", rcloneSize(decision.downloadPartSize ?? decision.partSize),
            "--transfers", "\(decision.clients)",
            "--low-level-retries", "\(max(1, decision.retryLimit))",
            "--contimeout", "\(seconds(decision.connectTimeoutMilliseconds))s",
            "--timeout", "\(seconds(Int(clamping: decision.stallTimeoutMilliseconds)))s",
        ]
        return "# \(header)\n# rclone copy SRC REMOTE:BUCKET/PATH \\\n" + pairs(flags).joined(separator: " \\\n") + "\n"
    }

    /// s5cmd: global flags (files at once, retries), then `cp` flags (parts of a file). Its part size
    /// is whole MiB, rounded up; it has no timeout flag.
    static func s5cmd(_ decision: Recommendation.Decision, header: String) -> String {
        let mebibytes = (decision.partSize + (1 << 20) - 1) >> 20
        let global = ["--numworkers", "\(max(decision.clients, 1))", "--retry-count", "\(decision.retryLimit)"]
        let copy = ["--part-size", "\(mebibytes)", "--concurrency", "\(decision.parallel)"]
        let rounded = mebibytes << 20 == decision.partSize ? "" : " (\(decision.partSize) bytes rounded up to whole MiB)"
        return "# \(header)\n# s5cmd GLOBAL-FLAGS cp CP-FLAGS SRC DST; s5cmd has no timeout flags\(rounded)\n# global flags\n"
            + pairs(global).joined(separator: " ") + "\n# cp flags\n" + pairs(copy).joined(separator: " ") + "\n"
    }

    /// The AWS CLI's `~/.aws/config`: the s3 section of a profile (sizes in MB, which it reads as 2^20).
    static func awscli(_ decision: Recommendation.Decision, header: String) -> String {
        let part = awsSize(decision.partSize)
        return """
        # \(header)
        # AWS CLI: ~/.aws/config (or the file AWS_CONFIG_FILE names). The connect timeout has no key
        # there: pass --cli-connect-timeout \(seconds(decision.connectTimeoutMilliseconds)) to each command.
        [default]
        max_attempts = \(decision.retryLimit + 1)
        retry_mode = standard
        s3 =
          multipart_chunksize = \(part)
          multipart_threshold = \(part)
          max_concurrent_requests = \(max(decision.clients * decision.parallel, 1))

        """
    }

    /// Whole seconds, rounded up: a timeout is never shortened by the conversion.
    static func seconds(_ milliseconds: Int) -> Int { max(1, (milliseconds + 999) / 1000) }

    /// "64Mi", or whole KiB ("19532Ki"), or bytes: what rclone's size flags read exactly.
    static func rcloneSize(_ bytes: Int64) -> String {
        for (suffix, unit) in [("Gi", Int64(1) << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] where bytes % unit == 0 {
            return "\(bytes / unit)\(suffix)"
        }
        return "\(bytes)B"
    }

    /// "64MB" (the AWS CLI's MB is 2^20), or "20000000" in bytes when not a whole MiB.
    static func awsSize(_ bytes: Int64) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20)MB" : "\(bytes)"
    }

    private static func pairs(_ flags: [String]) -> [String] {
        stride(from: 0, to: flags.count, by: 2).map { "\(flags[$0]) \(flags[$0 + 1])" }
    }
}
