import Foundation
import Model

/// A network profile on its own (`scoretune proxy --profile FILE`): the keys of a scenario's
/// `network:` block, checked by the same rules with the same file:line:key errors.
public enum NetworkProfileFile {
    public static func load(path: String) throws -> NetworkProfile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(path: path, line: nil, key: "", message: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist")
        }
        return try parse(text: text, path: path)
    }

    /// A profile's text, as read from `path`.
    public static func parse(text: String, path: String) throws -> NetworkProfile {
        // Indent the profile under `network:` so the scenario's reader checks it; lines shift by one.
        let wrapped = "objects: {sizes: [1]}\nnetwork:\n" + text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        do {
            return try ScenarioLoader.parse(text: wrapped, path: path).networks["network"] ?? NetworkProfile()
        } catch var error as ScenarioError {
            error.line = error.line.map { $0 - 2 }
            error.key = error.key.hasPrefix("network.") ? String(error.key.dropFirst("network.".count)) : error.key
            throw error
        }
    }
}
