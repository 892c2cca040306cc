import ScoreConfig

/// A setting a recommendation names: a variable of Score's `.env.score`, or a property of
/// score-client's `conf/application.properties`. Printed and encoded as the name the file uses.
public enum SettingName: Sendable, Hashable, CustomStringConvertible, Encodable {
    case score(ScoreVariable)
    case client(ScoreClientProperty)

    public var description: String {
        switch self {
        case .score(let variable): return variable.rawValue
        case .client(let property): return property.rawValue
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The score-client properties scoretune recommends (docs/exports.md says what each does).
public enum ScoreClientProperty: String, Sendable, CaseIterable {
    case connectTimeoutSeconds = "client.connectTimeoutSeconds"
    case readTimeoutSeconds = "client.readTimeoutSeconds"
    case transportParallel = "transport.parallel"
    case transportMemory = "transport.memory"
    case azureBlockSize = "azure.blockSize"
}
