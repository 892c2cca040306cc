import ObjectStore
import ScoreConfig
import Transport

/// Turns an error into one line that says what is wrong and what to change.
enum FailureAdvice {
    /// `setting`: the variable that names the endpoint (S3_ENDPOINT, or the Azure account's).
    static func transport(_ error: TransportError, endpoint: String, setting: String = "S3_ENDPOINT") -> String {
        switch error.kind {
        case .connectionRefused:
            return "nothing listens at \(endpoint) (connection refused): start the store or fix \(setting)"
        case .connectTimeout:
            return "no connection to \(endpoint) within the connect timeout: check \(setting), the network, or raise UPLOAD_CONNECTION_TIMEOUT"
        case .dnsFailure:
            return "the host of \(endpoint) does not resolve: fix \(setting)"
        case .tlsFailure:
            let fix: String
            switch error.tlsProblem {
            case .untrustedIssuer?: fix = "pass --ca-bundle with the store's CA (PEM)"
            case .hostnameMismatch?: fix = "use the host name the certificate names in \(setting)"
            case .expired?, .notYetValid?: fix = "renew the store's certificate (or check this machine's clock)"
            case .handshake?: fix = "check the port, or use http:// if the store has no TLS"
            case .caBundleUnreadable?, .other?, nil: fix = "use --ca-bundle for a private CA, or http:// if the store has no TLS"
            }
            return "TLS failed with \(endpoint): \(error.message); \(fix)"
        case .stallTimeout, .totalTimeout:
            return "\(endpoint) accepted the connection but did not answer in time (\(error.kind.rawValue))"
        default:
            return "\(endpoint): \(error)"
        }
    }

    static func credentials(_ error: S3Error, sigV4: Bool) -> String {
        switch error.code {
        case "SignatureDoesNotMatch":
            return "the store rejected the signature: S3_SECRETKEY is wrong" + (sigV4 ? "" : " (or the store does not support SigV2: try S3_SIGV4ENABLED=true)")
        case "InvalidAccessKeyId":
            return "the store does not know this access key: fix S3_ACCESSKEY"
        // The condition covers all three codes: a user already on SigV4 is not told to set SigV4.
        case "UnsupportedAlgorithm" where !sigV4, "NotImplemented" where !sigV4, "InvalidRequest" where !sigV4:
            return "the store does not accept SigV2 (\(error.code)): set S3_SIGV4ENABLED=true"
        case "AccessDenied":
            return "the credentials are valid but may not list buckets (\(error.message)); Score needs read/write on both buckets"
        default:
            if !sigV4 && error.status == 400 { return "the store refused a SigV2 request (\(error.code)): set S3_SIGV4ENABLED=true" }
            return "the store refused the credentials: \(error)"
        }
    }

    static func bucket(_ error: Error, name: String, variable: ScoreVariable) -> String {
        if let error = error as? S3Error {
            switch error.status {
            case 404: return "bucket '\(name)' does not exist: create it or fix \(variable.rawValue)"
            case 403: return "no access to bucket '\(name)' (\(variable.rawValue)): grant the key read/write on it"
            default: return "bucket '\(name)' (\(variable.rawValue)): \(error)"
            }
        }
        return "bucket '\(name)' (\(variable.rawValue)): \(error)"
    }
}
