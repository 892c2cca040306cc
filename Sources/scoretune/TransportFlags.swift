import Runner
import ArgumentParser
import Foundation
import Transport

/// TLS options shared by every command that talks to a store.
struct TransportFlags: ParsableArguments {
    @Option(name: .customLong("ca-bundle"), help: "A PEM file of extra CA certificates to trust.")
    var caBundle: String?

    @Flag(name: .customLong("insecure-skip-tls-verify"), help: "Do not verify TLS certificates (prints a warning).")
    var insecure = false

    func options() throws -> TransportOptions {
        if let caBundle {
            guard let data = FileManager.default.contents(atPath: caBundle) else {
                throw CommandFailure(message: "--ca-bundle \(caBundle): cannot be read")
            }
            // A PEM bundle: at least one certificate block. A DER file, a key or anything else
            // would only fail later, at every request, as an untrusted store.
            guard String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
                throw CommandFailure(message: "--ca-bundle \(caBundle): is not a PEM bundle of certificates (expected -----BEGIN CERTIFICATE----- blocks)")
            }
        }
        if insecure {
            Console.error("scoretune: warning: TLS certificate verification is OFF (--insecure-skip-tls-verify)\n")
        }
        return TransportOptions(verifyTLS: !insecure, caBundle: caBundle)
    }
}

extension TransportFlags {
    /// Runs `body` against the store of an .env.score, S3 or Azure (distributed runs' merge and
    /// clean-up); its failures become one line without a secret: bad settings exit 2, the store's own 1.
    func withSharedStore<T>(_ env: String, _ body: (StoreConnection) async throws -> T) async throws -> T {
        let settings = try loadSettings(env)
        let transport = CurlTransport(options: try options())
        defer { transport.shutdown() }
        do { return try await body(try StoreConnection(settings: settings, transport: transport, observer: nil)) } catch let failure as CommandFailure {
            throw failure
        } catch let failure as RunFailure {
            throw CommandFailure(message: settings.scrubbed(failure.description), code: failure.exitCode)
        } catch {
            throw CommandFailure(message: settings.scrubbed("\(error)"), code: 1)
        }
    }
}
