/// The HTTP methods scoretune's store clients send, as `attempts.method` records them.
public enum HTTPMethod: String, Sendable, Codable, CaseIterable {
    case get = "GET", put = "PUT", post = "POST", head = "HEAD", delete = "DELETE"
}
