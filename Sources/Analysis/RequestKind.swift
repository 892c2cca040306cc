import Model

/// What a request was for, as the latency charts and tables group them: from the phase it was
/// sent in and its store operation. The raw value is the name people read.
public enum RequestKind: String, Sendable, Codable, CaseIterable {
    case partPut = "part PUT"
    case blockPut = "block PUT"
    case wholeBlobPut = "whole-blob PUT"
    case rangedGet = "ranged GET"
    case partCheck = "part check + marker"
    case finalize
    case initiate
    case stateCleanup = "state clean-up"
    case downloadMeta = "download .meta"
    case cleanup = "clean-up"

    public init(phase: TransferPhase?, operation: StoreOperation) {
        switch (phase, operation) {
        case (.parts?, .uploadPart): self = .partPut
        case (.parts?, .putBlock): self = .blockPut
        case (.parts?, .putBlob): self = .wholeBlobPut
        case (.parts?, let operation) where operation.isPartDownload: self = .rangedGet
        case (.parts?, _): self = .partCheck
        case (.finalize?, _): self = .finalize
        case (.initiate?, _): self = .initiate
        case (.stateCleanup?, _): self = .stateCleanup
        case (.meta?, _): self = .downloadMeta
        case (.cleanup?, _), (nil, _): self = .cleanup
        }
    }
}
