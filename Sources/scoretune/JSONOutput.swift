// `--json`: every command prints one JSON document on standard output, on success and on failure.
import Foundation
import Runner

enum JSONOutput {
    /// Raised when a field is renamed or removed (adding a field keeps it). README, "JSON output".
    static let schemaVersion = 1

    /// Whether the command line asks for JSON (`--json`, or `--format json` where it exists). Read
    /// from the arguments themselves, so that a usage error found while parsing comes as JSON too.
    static let requested: Bool = {
        let arguments = Array(CommandLine.arguments.dropFirst())
        return arguments.enumerated().contains { index, argument in
            argument == "--json" || argument == "--format=json"
                || (argument == "--format" && arguments.indices.contains(index + 1) && arguments[index + 1] == "json")
        }
    }()

    /// The subcommand named on the command line ("scoretune" for none): every document says which command wrote it.
    static let command: String = {
        let names = Set(Scoretune.configuration.subcommands.map { $0._commandName })
        return CommandLine.arguments.dropFirst().first { names.contains($0) } ?? "scoretune"
    }()

    private static let lock = NSLock()
    nonisolated(unsafe) private static var printedDocument = false

    /// `value`'s fields with `schema_version` and `command` beside them: the one document.
    static func print<T: Encodable>(_ value: T) throws {
        let text = try encode(Envelope(command: command, value: value))
        emit(text)
    }

    /// `{"schema_version": 1, "command": …, "error": {"message": …, "exit_code": …}}`, unless a document was printed.
    static func printError(_ message: String, exitCode: Int32) {
        guard let text = try? encode(Envelope(command: command, value: Failure(message: message, exitCode: exitCode))) else { return }
        emit(text)
    }

    /// `--help` and `--version` under --json: their text as a field.
    static func printText(_ text: String) {
        struct Shown: Encodable { var text: String }
        guard let document = try? encode(Envelope(command: command, value: Shown(text: text))) else { return }
        emit(document)
    }

    /// Writes `text` unless a document is already out: one process, one document, whichever
    /// thread gets here first.
    private static func emit(_ text: String) {
        let first = lock.withLock { () -> Bool in
            defer { printedDocument = true }
            return !printedDocument
        }
        if first { Console.out(text + "\n") }
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The document's own fields, written into the same object as the payload's.
    private struct Envelope<Payload: Encodable>: Encodable {
        var command: String
        var value: Payload
        enum Keys: String, CodingKey { case schemaVersion = "schema_version", command }

        func encode(to encoder: Encoder) throws {
            try value.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(JSONOutput.schemaVersion, forKey: .schemaVersion)
            try container.encode(command, forKey: .command)
        }
    }

    private struct Failure: Encodable {
        struct Detail: Encodable {
            var message: String
            var exitCode: Int32
            enum CodingKeys: String, CodingKey { case message, exitCode = "exit_code" }
        }
        var error: Detail
        init(message: String, exitCode: Int32) { error = Detail(message: message, exitCode: exitCode) }
    }
}
