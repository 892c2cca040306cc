/// Where a store answers: a scheme and a URL authority (`host`, `host:port`, `[v6]:port`).
/// S3's endpoint and Azure's account both are one; host and port are read the same way for both.
public protocol StoreAddress {
    var scheme: String { get }
    var authority: String { get }
}

extension StoreAddress {
    /// The authority's host, without the port (an IPv6 literal keeps its brackets).
    public var host: String {
        if let colon = portColon { return String(authority[..<colon]) }
        return authority
    }

    /// The authority's port, else the scheme's default.
    public var port: Int {
        if let colon = portColon, let port = Int(authority[authority.index(after: colon)...]) { return port }
        return scheme == "https" ? 443 : 80
    }

    /// The colon before a port: the last one, unless it is inside an IPv6 literal's brackets.
    var portColon: String.Index? {
        guard let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") else { return nil }
        return colon
    }
}
