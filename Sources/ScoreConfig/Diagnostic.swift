/// One finding about a `.env.score`: an error stops scoretune from using the file, a warning is a
/// setting that will not do what its author expects, a note is a fact worth knowing.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case note, warning, error
        public static func < (a: Severity, b: Severity) -> Bool {
            [.note, .warning, .error].firstIndex(of: a)! < [.note, .warning, .error].firstIndex(of: b)!
        }
    }

    public var severity: Severity
    public var variable: String?
    /// Where the value came from: `file:line`, or `environment`.
    public var location: String?
    public var message: String

    /// One line: `path:12: UPLOAD_PARTSIZE: must be a whole number of bytes, got '20MB'`.
    public var description: String {
        var prefix = ""
        if let location { prefix += "\(location): " }
        if let variable { prefix += "\(variable): " }
        return prefix + message
    }
}
