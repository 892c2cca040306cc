/// A `.env.score` read exactly as operators write it: `KEY=value`, `export KEY=value`, single or
/// double quotes, inline `# comments`, blank lines, LF, CRLF or CR line endings, an optional UTF-8
/// byte-order mark. Keeps the line of every key for error messages.
///
/// A parse error never repeats the line it is about: the line may hold a secret (a missing `=`
/// turns `S3_SECRETKEY abc` into one word). It names the file, the line number, the key when one
/// can be told apart safely, and what is wrong.
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
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        // Swift reads "\r\n" as one Character, so all three endings split here.
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        for (index, rawLine) in lines.enumerated() {
            let number = index + 1
            var line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") || line.hasPrefix("export\t") {
                line = line.dropFirst(7).drop { $0 == " " || $0 == "\t" }
            }
            guard let equals = line.firstIndex(of: "=") else {
                let word = line.prefix { $0 != " " && $0 != "\t" && $0 != ":" }
                let named = EnvFile.isSafeToName(String(word)) ? "\(word): " : ""
                throw ParseError(path: path, line: number, message: "\(named)expected KEY=value (this line has no '=')")
            }
            let key = String(line[..<equals]).trimmingCharacters(in: [" ", "\t"])
            guard EnvFile.isValidKey(key) else {
                throw ParseError(path: path, line: number,
                                 message: "the text before '=' is not a variable name (letters, digits and _, not starting with a digit)")
            }
            let value: String
            do { value = try EnvFile.parseValue(line[line.index(after: equals)...]) } catch let problem as ValueProblem {
                throw ParseError(path: path, line: number, message: "\(key): \(problem.message)")
            }
            entries.append(Entry(key: key, value: value, line: number))
        }
    }

    /// The last assignment wins, as in a shell or docker's env_file.
    public func entry(_ key: String) -> Entry? { entries.last { $0.key == key } }

    static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first == "_" || (first.properties.isAlphabetic && first.isASCII) else { return false }
        return key.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    /// A word from a malformed line is shown only when it is plainly a variable name: upper-case
    /// letters, digits and `_`, at most 64 of them. A secret pasted on its own line is not shown.
    static func isSafeToName(_ word: String) -> Bool {
        guard (1...64).contains(word.count), ScoreVariable(rawValue: word) != nil || ScoreVariable.misspellings[word] != nil
                || (word.contains("_") && word.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }))
        else { return false }
        return true
    }

    private struct ValueProblem: Error { var message: String }

    private static func parseValue(_ raw: Substring) throws -> String {
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
                    throw ValueProblem(message: "text after the closing quote (quote the whole value, or put a space before a # comment)")
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
        throw ValueProblem(message: "unterminated \(quote == "\"" ? "double" : "single") quote")
    }
}
