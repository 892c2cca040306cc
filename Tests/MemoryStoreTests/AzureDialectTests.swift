import Foundation
@testable import MemoryStore
import Transport
import XCTest

/// The Azure dialect of the test double, against hand-written requests: which SAS permission each
/// operation needs, and a block list that keeps committed blocks and adds staged ones.
final class AzureDialectTests: XCTestCase {
    let store = MemoryStore(.azure(account: "acct", pathPrefix: "/acct"))
    lazy var transport = store.transport()
    let key = HTTPHeader("Authorization", "SharedKey acct:c2lnbmF0dXJl")

    override func setUp() {
        store.createBucket("c")
        store.setPolicy(.init(id: "up", permission: "acw"), container: "c")
        store.setPolicy(.init(id: "down", permission: "rl"), container: "c")
    }

    func send(_ method: String, _ path: String, query: String = "", _ body: [UInt8] = [], headers: [HTTPHeader]) async throws -> HTTPResponse {
        try await transport.send(HTTPRequest(method: method, url: "http://127.0.0.1:9/acct/c/\(path)" + (query.isEmpty ? "" : "?" + query),
                                             headers: headers, body: body.isEmpty ? .empty : .bytes(body)), sink: nil)
    }

    func testEachOperationNeedsItsOwnPermission() async throws {
        XCTAssertEqual(MemoryOperation.allCases.compactMap { op in AzureDialect.permission(for: op).map { "\(op):\($0)" } }.sorted(),
                       ["blobProperties:r", "deleteBlob:d", "getBlob:r", "getBlockList:r", "listBlobs:l", "putBlob:w", "putBlock:w", "putBlockList:w"])
        let blob = [HTTPHeader("x-ms-blob-type", "BlockBlob")]
        let written = try await send("PUT", "b", query: "si=up&sig=x", [1, 2, 3], headers: blob)
        XCTAssertEqual(written.status, 201)
        let refused = try await send("PUT", "b", query: "si=down&sig=x", [1, 2, 3], headers: blob)
        XCTAssertEqual(refused.status, 403)
        XCTAssertEqual(refused.header("x-ms-error-code"), "AuthorizationPermissionMismatch")
        let read = try await send("GET", "b", query: "si=down&sig=x", headers: [])
        XCTAssertEqual(read.body, [1, 2, 3])
        let unknown = try await send("GET", "b", query: "si=nobody&sig=x", headers: [])
        XCTAssertEqual(unknown.header("x-ms-error-code"), "AuthenticationFailed")
        let otherAccount = try await send("GET", "b", headers: [HTTPHeader("Authorization", "SharedKey someone:eA==")])
        XCTAssertEqual(otherAccount.status, 403)
    }

    func testABlockListKeepsCommittedBlocksAndAddsStagedOnes() async throws {
        let id1 = Data("block-01".utf8).base64EncodedString(), id2 = Data("block-02".utf8).base64EncodedString()
        _ = try await send("PUT", "b", query: "comp=block&blockid=\(id1)", [1, 1], headers: [key])
        _ = try await send("PUT", "b", query: "comp=blocklist", Array("<BlockList><Latest>\(id1)</Latest></BlockList>".utf8), headers: [key])
        XCTAssertEqual(store.object("c", "b"), [1, 1])
        _ = try await send("PUT", "b", query: "comp=block&blockid=\(id2)", [2, 2, 2], headers: [key])
        XCTAssertEqual(store.blobsWithStagedBlocks, ["c/b"])
        let list = Array("<BlockList><Committed>\(id1)</Committed><Latest>\(id2)</Latest></BlockList>".utf8)
        let committed = try await send("PUT", "b", query: "comp=blocklist", list, headers: [key])
        XCTAssertEqual(committed.status, 201)
        XCTAssertEqual(store.object("c", "b"), [1, 1, 2, 2, 2])
        XCTAssertEqual(store.blobsWithStagedBlocks, [])
        let missing = try await send("PUT", "b", query: "comp=blocklist", Array("<BlockList><Uncommitted>\(id1)</Uncommitted></BlockList>".utf8),
                                     headers: [key])
        XCTAssertEqual(missing.header("x-ms-error-code"), "InvalidBlockList", "a committed block is not an uncommitted one")
    }
}
