import Foundation
import Hashing
import ObjectStore
import ScoreConfig
import Transport

/// Before a run creates anything: the store answers, its buckets (or container and policies)
/// are there, and the settings' hash the run records.
extension ScenarioRunner {
    /// Proves the store answers and both buckets exist before anything is created; returns the
    /// store's Server header.
    func preflight(_ connection: StoreConnection) async throws -> String? {
        let s3 = connection.housekeeping
        let server: String?
        do {
            server = try await s3.probeEndpoint(timeouts: Timeouts(connect: .seconds(10), stall: .seconds(10))).header("server")
        } catch {
            throw RunFailure.store("\(connection.settings.endpoint) (S3_ENDPOINT) does not answer: \(error)")
        }
        for (variable, bucket) in [(ScoreVariable.objectBucket, connection.settings.objectBucket), (.stateBucket, connection.settings.stateBucket)] {
            do { try await s3.headBucket(bucket) } catch let error as S3Error {
                let why = error.status == 403 ? "access denied: check S3_ACCESSKEY and S3_SECRETKEY" :
                    error.status == 404 ? "it does not exist" : "\(error)"
                throw RunFailure.store("bucket '\(bucket)' (\(variable.rawValue)): \(why)")
            }
        }
        return server
    }

    /// The same for Azure: the account answers, the key is its key, the container exists.
    func preflightAzure(_ connection: StoreConnection) async throws -> String? {
        let azure = connection.azureHousekeeping
        let settings = connection.settings
        let server: String?
        do {
            server = try await azure.probeEndpoint(timeouts: Timeouts(connect: .seconds(10), stall: .seconds(10))).header("server")
        } catch {
            throw RunFailure.store("\(azure.account.url) (the Azure account's endpoint) does not answer: \(error)")
        }
        do { try await azure.containerProperties(settings.objectBucket) } catch let error as AzureError {
            let why = error.code == "AuthenticationFailed" ? "the account refused the key: check AZURE_ACCOUNTKEY" :
                error.code == "ContainerNotFound" ? "it does not exist" : "\(error)"
            throw RunFailure.store("container '\(settings.objectBucket)' (\(ScoreVariable.objectBucket.rawValue)): \(why)")
        }
        return server
    }

    /// Identifies the store and layout, never the secrets: runs against the same store compare.
    static func configHash(_ settings: ScoreSettings) -> String {
        let identity = (settings.profile == .azure
            ? ["azure", settings.azureEndpointOverride ?? "\(settings.azureProtocol)://\(settings.azureAccountName).blob.core.windows.net", settings.objectBucket]
            : [settings.endpoint, settings.objectBucket, settings.stateBucket, settings.sigV4Enabled ? "v4" : "v2"]).joined(separator: "\n")
        return String(Digest.hash(.sha256, Array(identity.utf8)).hexString.prefix(16))
    }
}
