import ObjectStore

/// What the check created, so it can delete exactly that — and nothing else — even on failure.
actor CreatedResources {
    private(set) var objects: [(bucket: String, key: String)] = []
    private(set) var uploads: [(bucket: String, key: String, uploadId: String)] = []

    func object(_ bucket: String, _ key: String) { objects.append((bucket, key)) }
    func upload(_ bucket: String, _ key: String, _ uploadId: String) { uploads.append((bucket, key, uploadId)) }
    func uploadFinished(_ uploadId: String) { uploads.removeAll { $0.uploadId == uploadId } }

    /// Aborts open uploads and deletes objects; returns what could not be removed.
    func removeAll(using s3: S3Client) async -> (removed: Int, aborted: Int, failures: [String]) {
        var failures: [String] = []
        var aborted = 0, removed = 0
        for upload in uploads {
            do {
                try await s3.abortMultipartUpload(bucket: upload.bucket, key: upload.key, uploadId: upload.uploadId)
                aborted += 1
            } catch let error as S3Error where error.status == 404 {
                aborted += 1
            } catch {
                failures.append("upload \(upload.uploadId) of \(upload.bucket)/\(upload.key): \(error)")
            }
        }
        for object in objects {
            do {
                try await s3.deleteObject(bucket: object.bucket, key: object.key)
                removed += 1
            } catch {
                failures.append("\(object.bucket)/\(object.key): \(error)")
            }
        }
        uploads = []
        objects = []
        return (removed, aborted, failures)
    }
}
