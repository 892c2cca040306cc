/// Why a run could not go on, each with its exit status (the README's table lists them).
public enum RunFailure: Error, CustomStringConvertible {
    /// A bad scenario, `.env.score`, option, run id or results database: exit 2.
    case badInput(String)
    /// The store cannot be used (unreachable, credentials refused, a bucket missing): exit 1.
    case store(String)
    /// Another live run or clean-up holds the results database: exit 3.
    case busy(String)

    public var description: String {
        switch self {
        case .badInput(let message), .store(let message), .busy(let message): return message
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .badInput: return 2
        case .store: return 1
        case .busy: return 3
        }
    }
}
