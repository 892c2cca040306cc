/// A `.env.score` read exactly as operators write it: `KEY=value`, `export KEY=value`, single or
/// double quotes, inline `# comments`, blank lines. Keeps the line of every key for error messages.
public struct EnvFile: Sendable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: String
        public var line: Int
    }

    public struct ParseError: Error, Sendable, CustomStringConvertible, Equatable {
        public var path: String
        public var line: Int
        public var message: String
        public var description: String { "\(path):\(line): \(message)" }
    }

    public var path: String
    public private(set) var entries: [Entry] = []

    public init(path: String, text: String) throws {
        self.path = path
        var number = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            line = line.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") || line.hasPrefix("export\t") {
                line = line.dropFirst(7).drop { $0 == " " || $0 == "\t" }
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw ParseError(path: path, line: number, message: "expected KEY=value, found '\(line.prefix(40))'")
            }
            let key = String(line[..<equals]).trimmingCharacters(in: [" ", "\t"])
            guard EnvFile.isValidKey(key) else {
                throw ParseError(path: path, line: number, message: "'\(key)' is not a valid variable name")
            }
            let value = try EnvFile.parseValue(line[line.index(after: equals)...], path: path, line: number)
            entries.append(Entry(key: key, value: value, line: number))
        }
    }

    /// The last assignment wins, as in a shell or docker's env_file.
    public func entry(_ key: String) -> Entry? { entries.last { $0.key == key } }

    static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first == "_" || (first.properties.isAlphabetic && first.isASCII) else { return false }
        return key.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    private static func parseValue(_ raw: Substring, path: String, line: Int) throws -> String {
        let text = raw.drop { $0 == " " || $0 == "\t" }
        guard let quote = text.first, quote == "\"" || quote == "'" else {
            // Unquoted: a `#` after white space starts a comment.
            var value = ""
            var previous: Character = " "
            for character in text {
                if character == "#" && (previous == " " || previous == "\t") { break }
                value.append(character)
                previous = character
            }
            return value.trimmingCharacters(in: [" ", "\t"])
        }
        var value = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            if character == quote {
                let rest = text[text.index(after: index)...].trimmingCharacters(in: [" ", "\t"])
                guard rest.isEmpty || rest.hasPrefix("#") else {
                    throw ParseError(path: path, line: line, message: "unexpected text after the closing quote: '\(rest.prefix(30))'")
                }
                return value
            }
            if quote == "\"" && character == "\\" && text.index(after: index) < text.endIndex {
                index = text.index(after: index)
                let escaped = text[index]
                value.append(escaped == "n" ? "\n" : escaped)
            } else {
                value.append(character)
            }
            index = text.index(after: index)
        }
        throw ParseError(path: path, line: line, message: "unterminated \(quote == "\"" ? "double" : "single") quote")
    }
}
