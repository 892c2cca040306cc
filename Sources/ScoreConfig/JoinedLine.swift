/// Two lines of a `.env.score` run together by a lost newline: `OBJECT_SENTINEL=heliographS3_SECRETKEY=…`
/// is one variable whose value holds an assignment to a name that looks secret. Score reads all of
/// it as the first variable's value; scoretune must never show the part after the second `=`.
enum JoinedLine {
    /// Characters of a variable's name (the run before an `=`).
    static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || (48...57).contains(scalar.value) || (65...90).contains(scalar.value) || (97...122).contains(scalar.value)
    }

    /// Characters that end a secret's value inside a longer text: blanks and quotes.
    static func endsValue(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "'" || scalar == "\"" || scalar == "`"
    }

    /// The value after the `=` at `equals`: blanks skipped, then either a quoted value up to its
    /// closing quote (or the end), or a bare one up to a blank or a quote.
    static func valueBounds(_ scalars: [Unicode.Scalar], after equals: Int) -> (start: Int, end: Int) {
        var start = equals + 1
        while start < scalars.count, scalars[start] == " " || scalars[start] == "\t" { start += 1 }
        if start < scalars.count, scalars[start] == "\"" || scalars[start] == "'" || scalars[start] == "`" {
            let quote = scalars[start]
            start += 1
            var end = start
            while end < scalars.count, scalars[end] != quote { end += 1 }
            return (start, end)
        }
        var end = start
        while end < scalars.count, !endsValue(scalars[end]) { end += 1 }
        return (start, end)
    }

    /// Each assignment to a secret-looking name inside `text`: the name (with whatever ran into
    /// it) and the value after its `=`, up to a blank or a quote.
    static func secrets(in text: String) -> [(name: String, value: String)] {
        let scalars = Array(text.unicodeScalars)
        var found: [(String, String)] = []
        for (index, scalar) in scalars.enumerated() where scalar == "=" {
            var start = index
            while start > 0, isNameScalar(scalars[start - 1]) { start -= 1 }
            guard start < index else { continue }
            let name = String(String.UnicodeScalarView(scalars[start..<index]))
            guard SecretName.looksSecret(name) else { continue }
            let value = valueBounds(scalars, after: index)
            found.append((name, String(String.UnicodeScalarView(scalars[value.start..<value.end]))))
        }
        return found
    }

    /// `text` with the value of every secret-looking assignment inside it as `****`.
    static func masked(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        var nameStart = 0
        while index < scalars.count {
            let scalar = scalars[index]
            out.append(scalar)
            index += 1
            if !isNameScalar(scalar) && scalar != "=" { nameStart = index }
            guard scalar == "=", nameStart < index - 1 else {
                if scalar == "=" { nameStart = index }
                continue
            }
            let name = String(String.UnicodeScalarView(scalars[nameStart..<(index - 1)]))
            nameStart = index
            guard SecretName.looksSecret(name) else { continue }
            let (start, end) = valueBounds(scalars, after: index - 1)
            out.append(contentsOf: scalars[index..<start])
            if end > start { out.append(contentsOf: "****".unicodeScalars) }
            index = end
        }
        return String(out)
    }
}
