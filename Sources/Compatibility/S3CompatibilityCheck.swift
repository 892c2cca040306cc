import Foundation
import Hashing
import ObjectStore
import ScoreConfig
import Transport

/// `scoretune check` for the S3 profile: proves, step by step, that the store behaves as Score's
/// data path needs. The probe works in its own throw-away keys and removes all it created.
public final class S3CompatibilityCheck: Sendable {
    let settings: ScoreSettings
    let transport: any HTTPTransport
    let probePrefix = "scoretune-check/\(UUID().uuidString.lowercased())/"

    public init(settings: ScoreSettings, transport: any HTTPTransport) {
        self.settings = settings
        self.transport = transport
    }

    /// Every row of a check, in order; steps a failure stops show as SKIP.
    static let stepNames: [CheckStep.Name] = [.config, .endpoint, .credentials, .objectBucket, .stateBucket, .sentinel, .multipartUpload, .listParts,
                            .complete, .rangedGet, .listAndAbortUploads, .signing, .cleanup]

    /// Runs every step in order, handing each row to `emit` as soon as it is known.
    public func run(emit: @escaping @Sendable (CheckStep) -> Void) async -> [CheckStep] {
        let log = CheckLog(settings: settings, emit: emit)
        let config = ConfigSummary.step(settings)
        log.addConfig(config)
        guard config.status != .fail else { return log.skippingRest(Self.stepNames) }
        guard let endpoint = S3Endpoint(settings.endpoint) else {
            log.add(CheckStep(name: .endpoint, status: .fail, detail: "S3_ENDPOINT is not a URL Score could use (scheme://host[:port])"))
            return log.skippingRest(Self.stepNames)
        }
        let connect = Duration.milliseconds(settings.connectTimeoutMilliseconds)
        let timeouts = Timeouts(connect: connect, stall: .seconds(30), total: .seconds(300))
        let s3 = client(endpoint, sigV4: settings.sigV4Enabled, timeouts: timeouts)

        log.add(await reachability(s3, endpoint: endpoint, connect: connect))
        guard !log.lastFailed else { return log.skippingRest(Self.stepNames) }
        log.add(await credentials(s3))
        guard !log.lastFailed else { return log.skippingRest(Self.stepNames) }
        let bucketFailed = log.add([await bucket(s3, settings.objectBucket, .objectBucket),
                                    await bucket(s3, settings.stateBucket, .stateBucket)])
        guard !bucketFailed else { return log.skippingRest(Self.stepNames) }
        log.add(await sentinel(s3))
        guard !Task.isCancelled else { return log.skippingRest(Self.stepNames) }

        let created = CreatedResources()
        let probe = ScoreProbe(s3: s3, bucket: settings.objectBucket, key: probePrefix + "object", created: created)
        log.add(await probe.run())
        log.add(await signingModes(endpoint: endpoint, timeouts: timeouts, probeKey: probe.completedKey))
        // Clean up outside any cancellation of the caller's task, so Ctrl-C still leaves nothing behind.
        let prefix = probePrefix, bucket = settings.objectBucket
        // Shorter waits than the steps' 30 s: a store that stopped answering is given one of them.
        let remover = client(endpoint, sigV4: settings.sigV4Enabled, timeouts: Timeouts(connect: connect, stall: .seconds(10), total: .seconds(60)))
        log.add(await Task.detached { await Self.cleanup(remover, created: created, bucket: bucket, prefix: prefix) }.value)
        return log.steps
    }

    func client(_ endpoint: S3Endpoint, sigV4: Bool, timeouts: Timeouts) -> S3Client {
        let credentials = S3Credentials(accessKey: settings.accessKey, secretKey: settings.secretKey)
        let signer = S3Signer(credentials: credentials, mode: sigV4 ? .v4(region: "us-east-1") : .v2)
        return S3Client(endpoint: endpoint, signer: signer, transport: transport, timeouts: timeouts)
    }

    // MARK: steps

    private func reachability(_ s3: S3Client, endpoint: S3Endpoint, connect: Duration) async -> CheckStep {
        let started = Date()
        do {
            let response = try await s3.probeEndpoint(timeouts: Timeouts(connect: connect, stall: .seconds(10), total: .seconds(30)))
            let m = response.metrics
            var detail = String(format: "%@ answered HTTP %d (DNS %.1f ms, connect %.1f ms", endpoint.url, response.status,
                                m.dnsTime * 1000, m.connectTime * 1000)
            if endpoint.scheme == "https" { detail += String(format: ", TLS %.1f ms", m.tlsTime * 1000) }
            detail += ")"
            if let server = response.header("server") { detail += ", server '\(server)'" }
            return CheckStep(name: .endpoint, status: .pass, milliseconds: elapsed(started), detail: detail)
        } catch let error as TransportError {
            return CheckStep(name: .endpoint, status: .fail, milliseconds: elapsed(started),
                             detail: FailureAdvice.transport(error, endpoint: endpoint.url))
        } catch {
            return CheckStep(name: .endpoint, status: .fail, milliseconds: elapsed(started), detail: "\(error)")
        }
    }

    private func credentials(_ s3: S3Client) async -> CheckStep {
        let started = Date()
        let mode = settings.sigV4Enabled ? "SigV4" : "SigV2"
        do {
            let buckets = try await s3.listBuckets()
            return CheckStep(name: .credentials, status: .pass, milliseconds: elapsed(started),
                             detail: "S3_ACCESSKEY \(settings.accessKey) accepted with \(mode) (\(buckets.count) bucket(s) visible)")
        } catch let error as S3Error {
            return CheckStep(name: .credentials, status: .fail, milliseconds: elapsed(started),
                             detail: FailureAdvice.credentials(error, sigV4: settings.sigV4Enabled))
        } catch {
            return CheckStep(name: .credentials, status: .fail, milliseconds: elapsed(started), detail: "\(error)")
        }
    }

    private func bucket(_ s3: S3Client, _ name: String, _ variable: ScoreVariable) async -> CheckStep {
        let started = Date()
        let label: CheckStep.Name = variable == .objectBucket ? .objectBucket : .stateBucket
        do {
            try await s3.headBucket(name)
            return CheckStep(name: label, status: .pass, milliseconds: elapsed(started), detail: "'\(name)' exists (\(variable.rawValue))")
        } catch {
            return CheckStep(name: label, status: .fail, milliseconds: elapsed(started),
                             detail: FailureAdvice.bucket(error, name: name, variable: variable))
        }
    }

    /// Score's ping: a presigned GET (5 minutes) of data/<OBJECT_SENTINEL> with 5 s timeouts.
    private func sentinel(_ s3: S3Client) async -> CheckStep {
        let started = Date()
        let key = "data/\(settings.sentinel)"
        let url = s3.presignedURL(method: .get, bucket: settings.objectBucket, key: key, expires: 300)
        do {
            let response = try await s3.sendPresigned(.ping, method: .get, url: url,
                                                      timeouts: Timeouts(connect: .seconds(5), stall: .seconds(5), total: .seconds(60)))
            return CheckStep(name: .sentinel, status: .pass, milliseconds: elapsed(started),
                             detail: "\(key) downloads through a presigned URL, as Score's ping does (\(response.metrics.bytesReceived) bytes)")
        } catch let error as S3Error where error.status == 404 {
            return CheckStep(name: .sentinel, status: .fail, milliseconds: elapsed(started),
                             detail: "\(key) is missing from bucket '\(settings.objectBucket)': upload any small file under that key (Score's ping downloads it before every transfer) or fix OBJECT_SENTINEL")
        } catch {
            return CheckStep(name: .sentinel, status: .fail, milliseconds: elapsed(started), detail: "ping of \(key) failed: \(error)")
        }
    }

    /// The file's signing mode was proved by every step above; this tries the other one, so the
    /// report says whether flipping S3_SIGV4ENABLED would work.
    private func signingModes(endpoint: S3Endpoint, timeouts: Timeouts, probeKey: String?) async -> CheckStep {
        let started = Date()
        let fileMode = settings.sigV4Enabled ? "SigV4 (S3_SIGV4ENABLED=true)" : "SigV2 (S3_SIGV4ENABLED=false)"
        let other = client(endpoint, sigV4: !settings.sigV4Enabled, timeouts: timeouts)
        let otherName = settings.sigV4Enabled ? "SigV2" : "SigV4"
        let key = probeKey ?? "data/\(settings.sentinel)"
        do {
            _ = try await other.headObject(bucket: settings.objectBucket, key: key)
            let url = other.presignedURL(method: .get, bucket: settings.objectBucket, key: key, expires: 300)
            _ = try await other.sendPresigned(.getObject, method: .get, url: url, headers: [HTTPHeader("Range", "bytes=0-0")])
            return CheckStep(name: .signing, status: .pass, milliseconds: elapsed(started),
                             detail: "\(fileMode) works for signed and presigned requests; \(otherName) works too")
        } catch {
            let why = (error as? S3Error).map { "HTTP \($0.status) \($0.code)" } ?? "\(error)"
            let advice = settings.sigV4Enabled ? "keep S3_SIGV4ENABLED=true" : "keep S3_SIGV4ENABLED=false"
            return CheckStep(name: .signing, status: .warn, milliseconds: elapsed(started),
                             detail: "\(fileMode) works, but this store refuses \(otherName) (\(why)): \(advice)")
        }
    }

    static func cleanup(_ s3: S3Client, created: CreatedResources, bucket: String, prefix: String) async -> CheckStep {
        let started = Date()
        var (removed, aborted, failures, silent) = await created.removeAll(using: s3)
        // A store that gives no answer is asked nothing more: the clean-up ends within one wait.
        if silent {
            return CheckStep(name: .cleanup, status: .fail, milliseconds: elapsed(started), detail: probeLeftNote(bucket: bucket, prefix: prefix))
        }
        // Then everything under the probe's own prefix (a fresh UUID: all of it is the probe's):
        // a request cut off by Ctrl-C may have created an object or an upload whose answer never
        // came back, so it is in no list but the store's.
        do {
            for upload in try await s3.listMultipartUploads(bucket: bucket, prefix: prefix) {
                do { try await s3.abortMultipartUpload(bucket: bucket, key: upload.key, uploadId: upload.uploadId); aborted += 1 } catch {
                    failures.append("upload \(upload.uploadId) of \(upload.key): \(error)")
                }
            }
            for object in try await s3.listObjects(bucket: bucket, prefix: prefix) {
                do { try await s3.deleteObject(bucket: bucket, key: object.key); removed += 1 } catch {
                    failures.append("\(object.key): \(error)")
                }
            }
        } catch where error.storeGaveNoAnswer {
            return CheckStep(name: .cleanup, status: .fail, milliseconds: elapsed(started), detail: probeLeftNote(bucket: bucket, prefix: prefix))
        } catch {
            failures.append("could not list \(prefix): \(error)")
        }
        var leftovers: [String] = []
        do {
            leftovers += try await s3.listObjects(bucket: bucket, prefix: prefix).map { "object \($0.key)" }
            leftovers += try await s3.listMultipartUploads(bucket: bucket, prefix: prefix).map { "upload \($0.uploadId)" }
        } catch {
            leftovers.append("could not list \(prefix): \(error)")
        }
        let ms = Date().timeIntervalSince(started) * 1000
        if failures.isEmpty && leftovers.isEmpty {
            return CheckStep(name: .cleanup, status: .pass, milliseconds: ms,
                             detail: "removed \(removed) object(s), aborted \(aborted) upload(s); nothing left under \(bucket)/\(prefix)")
        }
        return CheckStep(name: .cleanup, status: .fail, milliseconds: ms,
                         detail: "could not remove everything under \(bucket)/\(prefix): " + (failures + leftovers).joined(separator: "; "))
    }
}

func elapsed(_ since: Date) -> Double { Date().timeIntervalSince(since) * 1000 }
