import Model

/// A failure the workload itself detects: a part whose ETag is not its MD5, bytes that differ.
public struct TransferFailure: Error, Sendable, CustomStringConvertible {
    public var errorClass: ErrorClass
    public var message: String
    public init(_ errorClass: ErrorClass, _ message: String) {
        self.errorClass = errorClass
        self.message = message
    }
    public var description: String { "\(errorClass.rawValue): \(message)" }
}
