import Foundation
import Hashing
import ObjectStore
import Transport

/// The part of `check` that walks Score's own upload and download path in throw-away keys:
/// presigned part PUTs whose ETag must equal the part's MD5, ListParts, Complete, a presigned
/// ranged GET, and ListMultipartUploads + Abort (what Score's cleanup job relies on).
final class ScoreProbe {
    let s3: S3Client
    let bucket: String
    let key: String
    let created: CreatedResources
    /// Two parts: S3's 5 MiB minimum for every part but the last, then a short last part.
    let parts: [[UInt8]] = [ScoreProbe.randomBytes(5 << 20), ScoreProbe.randomBytes(1 << 20)]
    private(set) var completedKey: String?

    init(s3: S3Client, bucket: String, key: String, created: CreatedResources) {
        self.s3 = s3
        self.bucket = bucket
        self.key = key
        self.created = created
    }

    func run() async -> [CheckStep] {
        var steps: [CheckStep] = []
        var uploadId = ""
        var etags: [(partNumber: Int, etag: String)] = []

        steps.append(await step(.multipartUpload) {
            uploadId = try await self.s3.createMultipartUpload(bucket: self.bucket, key: self.key)
            await self.created.upload(self.bucket, self.key, uploadId)
            var mismatches: [String] = []
            for (index, part) in self.parts.enumerated() {
                let url = self.s3.presignedURL(method: .put, bucket: self.bucket, key: self.key,
                                               query: [("partNumber", String(index + 1)), ("uploadId", uploadId)], expires: 518_400)
                let response = try await self.s3.sendPresigned(.uploadPart, method: .put, url: url,
                                                               body: .stream(length: Int64(part.count), makeSource: { BytesSource(part) }),
                                                               partNumber: index + 1)
                let etag = (response.header("etag") ?? "").replacingOccurrences(of: "\"", with: "")
                let md5 = Digest.hash(.md5, part).hexString
                if etag != md5 { mismatches.append("part \(index + 1): ETag '\(etag)', MD5 \(md5)") }
                etags.append((index + 1, etag))
            }
            guard mismatches.isEmpty else {
                return (.fail, "part ETag is not the part's MD5, so Score's client rejects every part: " + mismatches.joined(separator: "; "))
            }
            return (.pass, "2 parts PUT through presigned URLs; each ETag equals the part's MD5")
        })
        guard steps.last?.status == .pass else { return steps + skipped(after: .multipartUpload) }

        steps.append(await step(.listParts) {
            // Score's server checks each part on its own: ListParts with part-number-marker = n − 1
            // and max-parts = 1 must answer with part n (the marker is exclusive in S3's API).
            var wrong: [String] = []
            for (partNumber, etag) in etags {
                let page = try await self.s3.listPartsPage(bucket: self.bucket, key: self.key, uploadId: uploadId,
                                                           after: partNumber - 1, maxParts: 1)
                guard let listed = page.parts.first, listed.partNumber == partNumber, listed.etag == etag else {
                    let shown = page.parts.first.map { "part \($0.partNumber)" } ?? "no part"
                    wrong.append("marker \(partNumber - 1) gave \(shown), not part \(partNumber)")
                    continue
                }
            }
            if !wrong.isEmpty {
                let inclusive = etags.count > 1 && wrong.contains { $0.hasPrefix("marker 1 gave part 1") }
                return (.fail, "ListParts as Score's server asks it (part-number-marker = n − 1, max-parts = 1): " + wrong.joined(separator: "; ")
                        + (inclusive ? ". The store treats the marker as inclusive, so Score fails every part after the first with an ETag mismatch" : ""))
            }
            let listed = try await self.s3.listParts(bucket: self.bucket, key: self.key, uploadId: uploadId)
            guard listed.map(\.partNumber) == [1, 2], listed.map(\.etag) == etags.map(\.etag) else {
                return (.fail, "ListParts shows \(listed.map { "\($0.partNumber):\($0.etag)" }), expected parts 1 and 2 with their ETags")
            }
            return (.pass, "ListParts answers part n for part-number-marker n − 1, as Score's server checks each part; the full listing shows both")
        })

        steps.append(await step(.complete) {
            let answered = try await self.s3.completeMultipartUpload(bucket: self.bucket, key: self.key, uploadId: uploadId, parts: etags)
            await self.created.object(self.bucket, self.key)
            await self.created.uploadFinished(uploadId)
            self.completedKey = self.key
            let info = try await self.s3.headObject(bucket: self.bucket, key: self.key)
            let size = Int64(self.parts.map(\.count).reduce(0, +))
            guard info.size == size else { return (.fail, "the completed object has \(info.size) bytes, expected \(size)") }
            if answered.isEmpty {
                return (.pass, "completed; the answer's ETag is empty (as Ceph RGW does), HEAD shows \(info.etag)")
            }
            return (.pass, "completed; ETag \(answered)")
        })
        guard completedKey != nil else { return steps + skipped(after: .complete) }

        steps.append(await step(.rangedGet) {
            let range = [HTTPHeader("Range", "bytes=1000-1999")]
            let url = self.s3.presignedURL(method: .get, bucket: self.bucket, key: self.key, headers: range, expires: 86_400)
            let response = try await self.s3.sendPresigned(.getObject, method: .get, url: url, headers: range)
            let expected = Array(self.parts[0][1000...1999])
            if response.body == expected {
                return response.status == 206
                    ? (.pass, "presigned GET with a signed Range answers 206 with the right 1000 bytes")
                    : (.warn, "presigned ranged GET returns the right bytes but HTTP \(response.status) instead of 206: clients that insist on 206 will fail")
            }
            if response.body.count == self.parts.map(\.count).reduce(0, +) {
                return (.fail, "the store ignores Range (HTTP \(response.status), whole object returned): every part download would fetch the whole object")
            }
            return (.fail, "presigned ranged GET returned \(response.body.count) wrong bytes (HTTP \(response.status))")
        })

        steps.append(await step(.listAndAbortUploads) {
            let abandoned = self.key + ".abandoned"
            let id = try await self.s3.createMultipartUpload(bucket: self.bucket, key: abandoned)
            await self.created.upload(self.bucket, abandoned, id)
            let listed = try await self.s3.listMultipartUploads(bucket: self.bucket, prefix: self.key)
            guard listed.contains(where: { $0.uploadId == id }) else {
                return (.fail, "ListMultipartUploads does not show an upload in progress: Score's cleanup job could never find stale uploads")
            }
            try await self.s3.abortMultipartUpload(bucket: self.bucket, key: abandoned, uploadId: id)
            await self.created.uploadFinished(id)
            let after = try await self.s3.listMultipartUploads(bucket: self.bucket, prefix: self.key)
            guard !after.contains(where: { $0.uploadId == id }) else {
                return (.fail, "AbortMultipartUpload answered but the upload is still listed")
            }
            return (.pass, "ListMultipartUploads shows an upload in progress; Abort removes it")
        })
        return steps
    }

    private func skipped(after name: CheckStep.Name) -> [CheckStep] {
        let rest: [CheckStep.Name] = [.multipartUpload, .listParts, .complete, .rangedGet, .listAndAbortUploads]
        let later = rest.drop { $0 != name }.dropFirst()
        return later.map { CheckStep(name: $0, status: .skip, detail: "not run: '\(name.rawValue)' failed") }
    }

    private func step(_ name: CheckStep.Name, _ body: () async throws -> (CheckStep.Status, String)) async -> CheckStep {
        guard !Task.isCancelled else { return CheckStep(name: name, status: .skip, detail: "not run: interrupted") }
        let started = Date()
        do {
            let (status, detail) = try await body()
            return CheckStep(name: name, status: status, milliseconds: elapsed(started), detail: detail)
        } catch {
            return CheckStep(name: name, status: .fail, milliseconds: elapsed(started), detail: "\(error)")
        }
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for i in words.indices { words[i] = generator.next() }
        }
        return bytes
    }
}
