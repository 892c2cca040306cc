import Model

/// Cell labels that name only the knobs varying across a set of cells ("part=5MiB par=4"), for
/// charts where the full label would not fit.
struct CompactLabels {
    private let varying: Set<String>

    init(_ cells: [Knobs]) {
        var varying = Set<String>()
        func check<T: Hashable>(_ name: String, _ value: (Knobs) -> T) { if Set(cells.map(value)).count > 1 { varying.insert(name) } }
        check("net") { $0.network }
        check("part") { $0.uploadPartSize }
        check("dl") { $0.downloadPartSize }
        check("block") { $0.blockSize }
        check("par") { $0.parallel }
        check("clients") { $0.clients }
        check("retry") { $0.retryLimit }
        check("connect") { $0.connectTimeoutMilliseconds }
        check("stall") { $0.stallTimeoutMilliseconds }
        check("conn") { $0.connections }
        self.varying = varying
    }

    func label(_ knobs: Knobs) -> String {
        var parts: [String] = []
        if varying.contains("net") { parts.append("net=\(knobs.network ?? "direct")") }
        if varying.contains("part") { parts.append("part=\(Units.formatSize(knobs.uploadPartSize))") }
        if varying.contains("dl") { parts.append("dl=\(knobs.downloadPartSize.map(Units.formatSize) ?? "-")") }
        if varying.contains("block") { parts.append("block=\(knobs.blockSize.map(Units.formatSize) ?? "-")") }
        if varying.contains("par") { parts.append("par=\(knobs.parallel)") }
        if varying.contains("clients") { parts.append("clients=\(knobs.clients)") }
        if varying.contains("retry") { parts.append("retry=\(knobs.retryLimit)") }
        if varying.contains("connect") { parts.append("connect=\(Units.formatDuration(knobs.connectTimeoutMilliseconds))") }
        if varying.contains("stall") { parts.append("stall=\(Units.formatDuration(knobs.stallTimeoutMilliseconds))") }
        if varying.contains("conn") { parts.append("conn=\(knobs.connections.rawValue)") }
        return parts.isEmpty ? "(the only cell)" : parts.joined(separator: " ")
    }
}
