import Foundation

/// Whether an endpoint is this machine: 127.0.0.0/8, ::1 or localhost. A direct run to it sees
/// no network's delays or faults.
public enum LoopbackHost {
    /// The endpoint's host when it is this machine, else nil.
    public static func of(_ endpoint: String) -> String? {
        guard let host = URLComponents(string: endpoint)?.host?.lowercased() else { return nil }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.") ? bare : nil
    }
}
