/// A recommendation as a `.env.score` fragment: each setting after a comment line with its
/// evidence, then the matching score-client properties as comments.
extension Recommendation {
    public var envFragment: String {
        var lines = cautions.map { "# CAUTION: \($0)" }
        lines += [
            "# scoretune recommend: run \(runId) (\(scenario), \(mode.rawValue) mode) against \(endpoint)\(server.map { " (\($0))" } ?? ""), objective: \(objective.rawValue)",
            "# chosen: \(chosen.label): \(reason)",
            "# where the values come from: \(decision.bases.summary)",
        ]
        switch profile {
        case .azure:
            lines.append("# Azure profile (SPRING_PROFILES_ACTIVE=...,azure): uploads go in blocks of the client's azure.blockSize; UPLOAD_PARTSIZE sets the download range size")
        case .s3:
            break
        }
        if let pathRisk {
            lines.append("# retry limit and timeouts sized against a risk of \(RiskModel.format(risk)) failed objects per object (\(RiskModel.format(risk * 1e5)) per 10^5): \(pathRisk.text)")
        }
        for setting in settings {
            lines.append("# \(setting.name): \(setting.evidence) [\(setting.basis.rawValue): \(setting.why)]")
            lines.append("\(setting.name)=\(setting.value)")
        }
        lines.append("# score-client properties that match (its conf/application.properties; `recommend --for score-client`):")
        for property in clientProperties {
            lines.append("#   \(property.name)=\(property.value)    (\(property.basis.rawValue): \(property.evidence))")
        }
        for note in notes { lines.append("# note: \(note)") }
        if !excluded.isEmpty {
            lines.append("# not eligible: " + excluded.joined(separator: "; "))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
