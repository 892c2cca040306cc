import Yams

/// What a scenario's YAML must look like before it is decoded, so that no accepted text can trap or
/// hang the reader: a bounded number of values (aliases can make a few hundred bytes expand to
/// billions), and no YAML 1.1 base-60 numbers (`1:30`), which Yams reads with unchecked arithmetic
/// and which a scenario never means anyway.
enum YAMLShape {
    /// Far beyond any real scenario (the largest shipped one has about 60).
    static let maximumValues = 100_000

    static func check(_ root: Node, path: String) throws {
        var visited = 0
        var stack = [root]
        while let node = stack.popLast() {
            visited += 1
            guard visited <= maximumValues else {
                throw ScenarioError(path: path, line: node.mark?.line, key: "",
                                    message: "expands to more than \(maximumValues) values (YAML aliases?); a scenario needs far fewer")
            }
            switch node {
            case .scalar(let scalar):
                if scalar.style == .plain, isBaseSixty(scalar.string) {
                    throw ScenarioError(path: path, line: node.mark?.line, key: "",
                                        message: "'\(scalar.string.prefix(24))' reads as a YAML 1.1 base-60 number; write the number in full (or quote it)")
                }
            case .mapping(let mapping):
                for (key, value) in mapping { stack.append(key); stack.append(value) }
            case .sequence(let sequence):
                stack.append(contentsOf: sequence)
            case .alias:
                break
            }
        }
    }

    /// The shape Yams reads as a YAML 1.1 sexagesimal number: an optional sign, then two or more
    /// `:`-separated pieces that each read as a number (`1:30`, `1:0:-10`, `2:1e5`), as its
    /// Constructor decides before multiplying them without overflow checks.
    static func isBaseSixty(_ text: String) -> Bool {
        var body = Substring(text)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        // Yams drops `_` digit separators before it reads the pieces.
        let pieces = body.split(separator: ":", omittingEmptySubsequences: false).map { $0.filter { $0 != "_" } }
        return pieces.count > 1 && pieces.allSatisfy { Int($0, radix: 10) != nil || Double($0) != nil }
    }
}
