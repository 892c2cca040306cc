import Foundation
import Yams

/// Reads a scenario file: YAML composed with Yams (keeping line numbers), decoded with Codable,
/// then checked. Every error names the file, the line and the key.
public enum ScenarioLoader {
    public static func load(path: String) throws -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw ScenarioError(path: path, line: nil, key: "", message: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(path: path, line: nil, key: "", message: "is not UTF-8 text")
        }
        return try parse(text: text, path: path)
    }

    public static func parse(text: String, path: String) throws -> Scenario {
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                throw ScenarioError(path: path, line: nil, key: "", message: "is empty")
            }
            root = composed
        } catch let error as YamlError {
            throw ScenarioError(path: path, line: yamlLine(error), key: "", message: "is not valid YAML (\(yamlProblem(error)))")
        }
        guard root.mapping != nil else {
            throw ScenarioError(path: path, line: root.mark?.line, key: "", message: "expected a mapping of keys (name, mode, objects, grid, …)")
        }
        try YAMLShape.check(root, path: path)
        try checkKeys(root, at: "", path: path)
        let file: ScenarioFile
        do {
            file = try YAMLDecoder().decode(ScenarioFile.self, from: root)
        } catch let error as DecodingError {
            throw located(error, root: root, path: path)
        }
        return try ScenarioChecker(file: file, root: root, path: path, text: text).scenario()
    }

    /// Unknown keys are errors, with the nearest known spelling when there is one.
    private static func checkKeys(_ node: Node, at place: String, path: String) throws {
        if let mapping = node.mapping {
            // Named profiles under `networks` share one set of keys.
            let pattern = place.hasPrefix("networks.") ? "networks.*" + place.dropFirst("networks.".count).drop { $0 != "." } : place
            let known = place == "networks" ? nil : ScenarioFile.knownKeys[String(pattern)]
            for (keyNode, value) in mapping {
                let key = keyNode.string ?? "\(keyNode)"
                let child = place.isEmpty ? key : "\(place).\(key)"
                if let known, !known.contains(key) {
                    let hint = known.first { $0.lowercased() == key.lowercased() }
                        ?? known.first { $0.lowercased().replacingOccurrences(of: "_", with: "") == key.lowercased().replacingOccurrences(of: "_", with: "") }
                    let suggestion = hint.map { " (did you mean '\($0)'?)" } ?? " (known here: \(known.joined(separator: ", ")))"
                    throw ScenarioError(path: path, line: keyNode.mark?.line, key: child, message: "unknown key\(suggestion)")
                }
                try checkKeys(value, at: child, path: path)
            }
        } else if let sequence = node.sequence {
            for item in sequence { try checkKeys(item, at: "\(place)[]", path: path) }
        }
    }

    /// Turns a Codable error into one line at the place in the file it concerns.
    static func located(_ error: DecodingError, root: Node, path: String) -> ScenarioError {
        let codingPath: [CodingKey]
        let message: String
        switch error {
        case .typeMismatch(let type, let context):
            codingPath = context.codingPath
            message = "expected \(describe(type))"
        case .valueNotFound(let type, let context):
            codingPath = context.codingPath
            message = "expected \(describe(type)), found nothing"
        case .keyNotFound(let key, let context):
            codingPath = context.codingPath + [key]
            message = "is required"
        case .dataCorrupted(let context):
            codingPath = context.codingPath
            message = context.debugDescription
        @unknown default:
            return ScenarioError(path: path, line: nil, key: "", message: "\(error)")
        }
        let (node, key) = find(codingPath, in: root)
        return ScenarioError(path: path, line: node?.mark?.line, key: key, message: message)
    }

    /// The deepest node along a coding path, and the path written as `grid.parallel[1]`.
    static func find(_ codingPath: [CodingKey], in root: Node) -> (Node?, String) {
        var node: Node? = root
        var key = ""
        for step in codingPath {
            if let index = step.intValue {
                if let sequence = node?.sequence {
                    key += "[\(index)]"
                    node = index < sequence.count ? sequence[index] : node
                }
                // A single value read as a one-element list has no index in the file.
            } else {
                key += key.isEmpty ? step.stringValue : ".\(step.stringValue)"
                node = node?.mapping?[step.stringValue] ?? node
            }
        }
        return (node, key)
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is UInt64.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is String.Type: return "text"
        default: return "a value of another kind (\(type))"
        }
    }

    private static func yamlLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    private static func yamlProblem(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        default: return "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable"
        }
    }
}
