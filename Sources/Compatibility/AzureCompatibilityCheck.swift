import Foundation
import Hashing
import ObjectStore
import ScoreConfig
import Transport

/// `scoretune check` for the Azure profile: the account answers, the key is the account's, the
/// container exists, its two stored access policies grant what Score's SAS tokens need, the
/// sentinel downloads as Score's ping does, and a probe blob goes up in blocks through an
/// upload-policy SAS and comes back in ranges through a download-policy SAS, with its Content-MD5.
/// The probe blob is removed at the end, staged blocks included.
public final class AzureCompatibilityCheck: Sendable {
    let settings: ScoreSettings
    let transport: any HTTPTransport
    let probeBlob = "scoretune-check/\(UUID().uuidString.lowercased())/object"

    /// What Score's tokens do with each policy, and the permission letters that takes (docs/score.md).
    static let uploadLetters = "acw"    // add, create, write: Put Block and Put Block List
    static let downloadLetters = "rl"   // read, list: ranged Get Blob

    public init(settings: ScoreSettings, transport: any HTTPTransport) {
        self.settings = settings
        self.transport = transport
    }

    /// Every row of a check, in order; steps a failure stops show as SKIP.
    static let stepNames: [CheckStep.Name] = [.config, .endpoint, .accountKey, .container, .uploadPolicy, .downloadPolicy, .sentinel,
                            .sasUpload, .sasDownload, .cleanup]

    public func run(emit: @escaping @Sendable (CheckStep) -> Void) async -> [CheckStep] {
        let log = CheckLog(settings: settings, emit: emit)
        let config = ConfigSummary.step(settings)
        log.addConfig(config)
        guard config.status != .fail else { return log.skippingRest(Self.stepNames) }
        let account: AzureAccount
        do {
            account = try AzureAccount(name: settings.azureAccountName, base64Key: settings.azureAccountKey,
                                       scheme: settings.azureProtocol, endpointOverride: settings.azureEndpointOverride)
        } catch {
            log.add(CheckStep(name: .config, status: .fail, detail: "\(settings.path): \(error)"))
            return log.skippingRest(Self.stepNames)
        }
        let connect = Duration.milliseconds(settings.connectTimeoutMilliseconds)
        let azure = AzureClient(signer: AzureSigner(account: account), transport: transport,
                                timeouts: Timeouts(connect: connect, stall: .seconds(30), total: .seconds(300)))

        log.add(await reachability(azure, connect: connect))
        guard !log.lastFailed else { return log.skippingRest(Self.stepNames) }
        log.add(await accountKey(azure))
        guard !log.lastFailed else { return log.skippingRest(Self.stepNames) }
        log.add(await container(azure))
        guard !log.lastFailed else { return log.skippingRest(Self.stepNames) }
        guard !log.add(await policies(azure)) else { return log.skippingRest(Self.stepNames) }
        log.add(await sentinel(azure))
        let upload = await probeUpload(azure)
        log.add(upload)
        if upload.status == .pass { log.add(await probeDownload(azure)) } else { log.add(CheckStep(name: .sasDownload, status: .skip, detail: "not run: 'sas upload' failed")) }
        let blob = probeBlob, container = settings.objectBucket
        // Shorter waits than the steps' 30 s: a store that stopped answering is given one of them.
        let remover = AzureClient(signer: AzureSigner(account: account), transport: transport,
                                  timeouts: Timeouts(connect: connect, stall: .seconds(10), total: .seconds(60)))
        log.add(await Task.detached { await Self.cleanup(remover, container: container, blob: blob) }.value)
        return log.steps
    }

    // MARK: steps

    private var endpointSetting: String {
        settings.azureEndpointOverride != nil ? "SCORETUNE_AZURE_ENDPOINT" : "AZURE_ACCOUNTNAME / AZURE_ENDPOINTPROTOCOL"
    }

    private func reachability(_ azure: AzureClient, connect: Duration) async -> CheckStep {
        let started = Date()
        let url = azure.account.url
        do {
            let response = try await azure.probeEndpoint(timeouts: Timeouts(connect: connect, stall: .seconds(10), total: .seconds(30)))
            let m = response.metrics
            return CheckStep(name: .endpoint, status: .pass, milliseconds: elapsed(started),
                             detail: String(format: "%@ answered HTTP %d (DNS %.1f ms, connect %.1f ms)", url, response.status,
                                            m.dnsTime * 1000, m.connectTime * 1000))
        } catch let error as TransportError {
            return CheckStep(name: .endpoint, status: .fail, milliseconds: elapsed(started),
                             detail: FailureAdvice.transport(error, endpoint: url, setting: endpointSetting))
        } catch {
            return CheckStep(name: .endpoint, status: .fail, milliseconds: elapsed(started), detail: "\(error)")
        }
    }

    /// Get Container Properties with Shared Key: authorisation comes before the container lookup,
    /// so a ContainerNotFound still proves the key.
    private func accountKey(_ azure: AzureClient) async -> CheckStep {
        let started = Date()
        do {
            try await azure.containerProperties(settings.objectBucket)
        } catch let error as AzureError where error.code == "ContainerNotFound" {
        } catch let error as AzureError where error.code == "AuthenticationFailed" {
            return CheckStep(name: .accountKey, status: .fail, milliseconds: elapsed(started),
                             detail: "the account refused the Shared Key signature (AuthenticationFailed): AZURE_ACCOUNTKEY is not the key of account '\(settings.azureAccountName)'; copy key1 or key2 from its Access keys")
        } catch {
            return CheckStep(name: .accountKey, status: .fail, milliseconds: elapsed(started), detail: "\(error)")
        }
        return CheckStep(name: .accountKey, status: .pass, milliseconds: elapsed(started),
                         detail: "AZURE_ACCOUNTKEY signs for account '\(settings.azureAccountName)' (Shared Key)")
    }

    private func container(_ azure: AzureClient) async -> CheckStep {
        let started = Date()
        do {
            try await azure.containerProperties(settings.objectBucket)
            return CheckStep(name: .container, status: .pass, milliseconds: elapsed(started),
                             detail: "'\(settings.objectBucket)' exists (BUCKET_NAME_OBJECT)")
        } catch let error as AzureError where error.code == "ContainerNotFound" {
            return CheckStep(name: .container, status: .fail, milliseconds: elapsed(started),
                             detail: "container '\(settings.objectBucket)' does not exist in account '\(settings.azureAccountName)': create it or fix BUCKET_NAME_OBJECT")
        } catch {
            return CheckStep(name: .container, status: .fail, milliseconds: elapsed(started), detail: "\(error)")
        }
    }

    /// Both stored access policies exist, grant the letters Score's tokens need, and leave start and
    /// expiry to the token (Score's SAS carries both; Azure refuses a field given twice).
    private func policies(_ azure: AzureClient) async -> [CheckStep] {
        let started = Date()
        let stored: [AzureClient.StoredPolicy]
        do {
            stored = try await azure.containerPolicies(settings.objectBucket)
        } catch {
            return [CheckStep(name: .accessPolicies, status: .fail, milliseconds: elapsed(started),
                              detail: "cannot read the container's access policies: \(error)")]
        }
        let ms = elapsed(started)
        return [(settings.uploadPolicy, ScoreVariable.bucketPolicyUpload, Self.uploadLetters, CheckStep.Name.uploadPolicy, "upload"),
                (settings.downloadPolicy, ScoreVariable.bucketPolicyDownload, Self.downloadLetters, CheckStep.Name.downloadPolicy, "download")]
            .map { name, variable, letters, label, use in
            guard let policy = stored.first(where: { $0.id == name }) else {
                let known = stored.map(\.id).joined(separator: ", ")
                return CheckStep(name: label, status: .fail, milliseconds: ms,
                                 detail: "container '\(settings.objectBucket)' has no stored access policy '\(name)' (\(variable.rawValue)); "
                                     + "add one with permissions '\(letters)' or name an existing one" + (known.isEmpty ? "" : " (it has: \(known))"))
            }
            let missing = letters.filter { !policy.permission.contains($0) }
            if !missing.isEmpty {
                return CheckStep(name: label, status: .fail, milliseconds: ms,
                                 detail: "policy '\(name)' grants '\(policy.permission)' but Score's \(use)s need '\(letters)': add '\(String(missing))' to it")
            }
            if policy.start != nil || policy.expiry != nil {
                return CheckStep(name: label, status: .fail, milliseconds: ms,
                                 detail: "policy '\(name)' sets a start or expiry, but Score's SAS tokens carry their own and Azure refuses a field given twice: remove Start/Expiry from the policy")
            }
            return CheckStep(name: label, status: .pass, milliseconds: ms,
                             detail: "'\(name)' (\(variable.rawValue)) grants '\(policy.permission)', enough for Score's \(use)s")
        }
    }

    /// Score's ping on Azure: blob <OBJECT_SENTINEL> through a download-policy SAS, 5 s timeouts.
    private func sentinel(_ azure: AzureClient) async -> CheckStep {
        let started = Date()
        let blob = settings.sentinel
        let ping = AzureClient(signer: azure.signer, transport: transport, timeouts: Timeouts(connect: .seconds(5), stall: .seconds(5), total: .seconds(60)))
        do {
            let response = try await ping.getBlob(container: settings.objectBucket, blob: blob, credential: .sas(azure.signer.scoreSASToken(container: settings.objectBucket, blob: blob, policy: settings.downloadPolicy)))
            return CheckStep(name: .sentinel, status: .pass, milliseconds: elapsed(started),
                             detail: "blob '\(blob)' downloads through a SAS of '\(settings.downloadPolicy)', as Score's ping does (\(response.metrics.bytesReceived) bytes)")
        } catch let error as AzureError where error.status == 404 {
            return CheckStep(name: .sentinel, status: .fail, milliseconds: elapsed(started),
                             detail: "blob '\(blob)' is missing from container '\(settings.objectBucket)': upload any small file under that name (Score's ping downloads it before every transfer) or fix OBJECT_SENTINEL")
        } catch {
            return CheckStep(name: .sentinel, status: .fail, milliseconds: elapsed(started), detail: "ping of blob '\(blob)' failed: \(error)")
        }
    }

    static let probeBlockSize = 256 * 1024
    static let probeBytes: [UInt8] = (0..<(3 * 256 * 1024 - 4321)).map { UInt8(truncatingIfNeeded: ($0 &* 2654435761) >> 13) }

    /// Score's upload on Azure: Put Block per block and Put Block List with the blob's Content-MD5,
    /// all through a SAS of the upload policy.
    private func probeUpload(_ azure: AzureClient) async -> CheckStep {
        let started = Date()
        let credential = AzureClient.Credential.sas(azure.signer.scoreSASToken(container: settings.objectBucket, blob: probeBlob, policy: settings.uploadPolicy))
        let body = Self.probeBytes
        let blocks = stride(from: 0, to: body.count, by: Self.probeBlockSize).map { $0..<min($0 + Self.probeBlockSize, body.count) }
        do {
            for (i, range) in blocks.enumerated() {
                try await azure.putBlock(container: settings.objectBucket, blob: probeBlob, blockId: AzureBlockId.make(i + 1),
                                         body: .bytes(Array(body[range])), credential: credential)
            }
            try await azure.putBlockList(container: settings.objectBucket, blob: probeBlob, blockIds: (1...blocks.count).map(AzureBlockId.make),
                                         contentMD5: Digest.hash(.md5, body).base64String, credential: credential)
            return CheckStep(name: .sasUpload, status: .pass, milliseconds: elapsed(started),
                             detail: "\(blocks.count) blocks and a block list through a SAS of '\(settings.uploadPolicy)' (\(body.count) bytes)")
        } catch let error as AzureError where error.status == 403 {
            return CheckStep(name: .sasUpload, status: .fail, milliseconds: elapsed(started),
                             detail: "Put Block through a SAS of '\(settings.uploadPolicy)' was refused (\(error.code)): the policy must grant '\(Self.uploadLetters)'")
        } catch {
            return CheckStep(name: .sasUpload, status: .fail, milliseconds: elapsed(started), detail: "\(error)")
        }
    }

    /// Score's download on Azure: ranged GETs through a SAS of the download policy; the blob's
    /// Content-MD5 is the only checksum, so it must have kept the one the upload set.
    private func probeDownload(_ azure: AzureClient) async -> CheckStep {
        let started = Date()
        let credential = AzureClient.Credential.sas(azure.signer.scoreSASToken(container: settings.objectBucket, blob: probeBlob, policy: settings.downloadPolicy))
        let body = Self.probeBytes
        do {
            let properties = try await azure.blobProperties(container: settings.objectBucket, blob: probeBlob, credential: credential)
            let md5 = Digest.hash(.md5, body).base64String
            guard properties.size == Int64(body.count), properties.contentMD5 == md5 else {
                return CheckStep(name: .sasDownload, status: .fail, milliseconds: elapsed(started),
                                 detail: "the blob reads back as \(properties.size) bytes with Content-MD5 \(properties.contentMD5 ?? "none"); expected \(body.count) and \(md5)")
            }
            var got: [UInt8] = []
            var offset = 0
            while offset < body.count {
                let last = min(offset + Self.probeBlockSize, body.count) - 1
                let response = try await azure.getBlob(container: settings.objectBucket, blob: probeBlob, range: Int64(offset)...Int64(last), credential: credential)
                guard response.status == 206 else {
                    return CheckStep(name: .sasDownload, status: .fail, milliseconds: elapsed(started),
                                     detail: "a ranged GET answered HTTP \(response.status), not 206: the store ignores x-ms-range")
                }
                got += response.body
                offset = last + 1
            }
            guard got == body else {
                return CheckStep(name: .sasDownload, status: .fail, milliseconds: elapsed(started), detail: "the ranges read back differ from what was uploaded")
            }
            return CheckStep(name: .sasDownload, status: .pass, milliseconds: elapsed(started),
                             detail: "ranged GETs through a SAS of '\(settings.downloadPolicy)' return the bytes; Content-MD5 kept")
        } catch let error as AzureError where error.status == 403 {
            return CheckStep(name: .sasDownload, status: .fail, milliseconds: elapsed(started),
                             detail: "Get Blob through a SAS of '\(settings.downloadPolicy)' was refused (\(error.code)): the policy must grant '\(Self.downloadLetters)'")
        } catch {
            return CheckStep(name: .sasDownload, status: .fail, milliseconds: elapsed(started), detail: "\(error)")
        }
    }

    static func cleanup(_ azure: AzureClient, container: String, blob: String) async -> CheckStep {
        let started = Date()
        do {
            try await azure.removeBlobCompletely(container: container, blob: blob)
            let prefix = String(blob.prefix(upTo: blob.lastIndex(of: "/")!)) + "/"
            let left = try await azure.listBlobs(container: container, prefix: prefix, uncommitted: true)
            guard left.isEmpty else {
                return CheckStep(name: .cleanup, status: .fail, milliseconds: elapsed(started),
                                 detail: "still in \(container): " + left.map(\.name).joined(separator: ", "))
            }
            return CheckStep(name: .cleanup, status: .pass, milliseconds: elapsed(started),
                             detail: "removed the probe blob and its blocks; nothing left under \(container)/\(prefix)")
        } catch where error.storeGaveNoAnswer {
            let prefix = String(blob.prefix(upTo: blob.lastIndex(of: "/")!)) + "/"
            return CheckStep(name: .cleanup, status: .fail, milliseconds: elapsed(started), detail: probeLeftNote(bucket: container, prefix: prefix))
        } catch {
            return CheckStep(name: .cleanup, status: .fail, milliseconds: elapsed(started), detail: "could not remove \(container)/\(blob): \(error)")
        }
    }
}
