/// How reports describe an Azure run's knobs (docs/score.md, Score issue #308).
enum AzureWording {
    static let profileNote = "Azure Blob. block= is the client's azure.blockSize, the upload block size (Score ignores UPLOAD_PARTSIZE for Azure uploads, issue #308); range= is UPLOAD_PARTSIZE, which on Azure sizes the download ranges"
}
