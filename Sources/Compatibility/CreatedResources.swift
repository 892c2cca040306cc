import ObjectStore
import Transport

/// What the check created, so it can delete exactly that — and nothing else — even on failure.
actor CreatedResources {
    private(set) var objects: [(bucket: String, key: String)] = []
    private(set) var uploads: [(bucket: String, key: String, uploadId: String)] = []

    func object(_ bucket: String, _ key: String) { objects.append((bucket, key)) }
    func upload(_ bucket: String, _ key: String, _ uploadId: String) { uploads.append((bucket, key, uploadId)) }
    func uploadFinished(_ uploadId: String) { uploads.removeAll { $0.uploadId == uploadId } }

    /// Aborts open uploads and deletes objects; returns what could not be removed.
    /// `silent`: the store gave no answer at all to one of them, and the rest were not asked.
    func removeAll(using s3: S3Client) async -> (removed: Int, aborted: Int, failures: [String], silent: Bool) {
        var failures: [String] = []
        var aborted = 0, removed = 0
        var silent = false
        for upload in uploads {
            guard !silent else { failures.append("upload \(upload.uploadId) of \(upload.bucket)/\(upload.key): not tried"); continue }
            do {
                try await s3.abortMultipartUpload(bucket: upload.bucket, key: upload.key, uploadId: upload.uploadId)
                aborted += 1
            } catch let error as S3Error where error.status == 404 {
                aborted += 1
            } catch {
                failures.append("upload \(upload.uploadId) of \(upload.bucket)/\(upload.key): \(error)")
                silent = error.storeGaveNoAnswer
            }
        }
        for object in objects {
            guard !silent else { failures.append("\(object.bucket)/\(object.key): not tried"); continue }
            do {
                try await s3.deleteObject(bucket: object.bucket, key: object.key)
                removed += 1
            } catch {
                failures.append("\(object.bucket)/\(object.key): \(error)")
                silent = error.storeGaveNoAnswer
            }
        }
        uploads = []
        objects = []
        return (removed, aborted, failures, silent)
    }
}

extension Error {
    /// The store gave no answer at all (refused, or timed out connecting or waiting): a clean-up
    /// asks it no more, and says what may be left.
    var storeGaveNoAnswer: Bool {
        guard let kind = (self as? TransportError)?.kind else { return false }
        return [.connectionRefused, .connectTimeout, .stallTimeout, .totalTimeout].contains(kind)
    }
}

/// What a check's clean-up says when the store stopped answering: the probe's prefix and the
/// command that removes what is under it once the store answers.
func probeLeftNote(bucket: String, prefix: String) -> String {
    let id = prefix.dropFirst("scoretune-check/".count).dropLast()
    return "the store did not answer; what the probe made under \(bucket)/\(prefix) may be left: once it answers, "
        + "`scoretune clean --check \(id) --env FILE` removes it"
}
