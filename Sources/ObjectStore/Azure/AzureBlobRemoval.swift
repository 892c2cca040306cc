/// Removing a blob so that nothing of it is left, not even staged blocks. A blob whose Put Block
/// List never happened has no committed version to delete: Azure would keep its uncommitted blocks
/// for a week. Committing an empty list turns them into an empty blob, which can then be deleted.
extension AzureClient {
    /// Deletes the blob and any uncommitted blocks; a blob already gone counts as removed.
    /// Several requests, each with the account key.
    public func removeBlobCompletely(container: String, blob: String) async throws {
        do {
            try await deleteBlob(container: container, blob: blob)
            return
        } catch let error as AzureError where error.status == 404 {}
        // No committed blob: are there staged blocks?
        do {
            let blocks = try await blockList(container: container, blob: blob)
            guard !blocks.uncommitted.isEmpty || !blocks.committed.isEmpty else { return }
        } catch let error as AzureError where error.status == 404 {
            return
        }
        try await putBlockList(container: container, blob: blob, blockIds: [], contentMD5: nil)
        do { try await deleteBlob(container: container, blob: blob) } catch let error as AzureError where error.status == 404 {}
    }
}
