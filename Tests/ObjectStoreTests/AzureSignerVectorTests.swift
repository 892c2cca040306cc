import Foundation
@testable import ObjectStore
import Transport
import XCTest

/// The Azure signer must reproduce what azure-storage-blob produced for the same inputs
/// (Vectors/azure-signatures.json, recorded by scripts/azure/record-vectors.py): every Shared Key
/// Authorization header and every SAS token's fields and signature.
final class AzureSignerVectorTests: XCTestCase {
    struct Vectors: Decodable {
        struct SharedKey: Decodable {
            var name: String
            var method: String
            var url: String
            var headers: [String: String]
            var authorization: String
        }
        struct SAS: Decodable {
            var name: String
            var container: String
            var blob: String?
            var policy: String?
            var permission: String?
            var start: String?
            var expiry: String?
            var token: String
        }
        var recorder: String
        var account: String
        var key: String
        var sharedKey: [SharedKey]
        var sas: [SAS]
    }

    var vectors: Vectors!

    override func setUpWithError() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "azure-signatures", withExtension: "json", subdirectory: "Vectors"))
        vectors = try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }

    func signer(endpoint: String?) throws -> AzureSigner {
        AzureSigner(account: try AzureAccount(name: vectors.account, base64Key: vectors.key, endpointOverride: endpoint))
    }

    func testVectorsCoverTheOperations() {
        XCTAssertGreaterThanOrEqual(vectors.sharedKey.count, 10)
        XCTAssertGreaterThanOrEqual(vectors.sas.count, 5)
        XCTAssertTrue(vectors.recorder.hasPrefix("azure-storage-blob"))
    }

    func testSharedKeyMatchesTheSDK() throws {
        for v in vectors.sharedKey {
            let url = try XCTUnwrap(URLComponents(string: v.url))
            let query = (url.queryItems ?? []).map { ($0.name, $0.value ?? "") }
            let headers = v.headers.map { HTTPHeader($0.key, $0.value) }
            let auth = try signer(endpoint: nil).authorization(method: v.method, path: url.percentEncodedPath, query: query, headers: headers)
            XCTAssertEqual(auth, v.authorization, v.name)
        }
    }

    func testAWrongKeyGivesAnotherSignature() throws {
        let v = vectors.sharedKey[0]
        let url = try XCTUnwrap(URLComponents(string: v.url))
        let other = AzureSigner(account: try AzureAccount(name: vectors.account, base64Key: Data("another key".utf8).base64EncodedString()))
        let auth = other.authorization(method: v.method, path: url.percentEncodedPath, query: [], headers: v.headers.map { HTTPHeader($0.key, $0.value) })
        XCTAssertNotEqual(auth, v.authorization)
    }

    func testSASTokensMatchTheSDK() throws {
        let parse = ISO8601DateFormatter()
        for v in vectors.sas {
            let token = try signer(endpoint: nil).sasToken(container: v.container, blob: v.blob, policy: v.policy, permissions: v.permission,
                                                           start: v.start.flatMap(parse.date(from:)), expiry: v.expiry.flatMap(parse.date(from:)))
            // The order of fields does not matter to the service; their values and the signature do.
            XCTAssertEqual(Self.fields(token), Self.fields(v.token), v.name)
        }
    }

    func testAccountEndpoints() throws {
        let real = try AzureAccount(name: "acct", base64Key: vectors.key, scheme: "https")
        XCTAssertEqual(real.url, "https://acct.blob.core.windows.net")
        XCTAssertEqual(real.path(container: "c", blob: "a b/c"), "/c/a%20b/c")
        let local = try AzureAccount(name: "acct", base64Key: vectors.key, endpointOverride: "http://127.0.0.1:10000/acct/")
        XCTAssertEqual(local.url, "http://127.0.0.1:10000/acct")
        XCTAssertEqual(local.port, 10000)
        XCTAssertThrowsError(try AzureAccount(name: "acct", base64Key: "not base64!"))
        XCTAssertThrowsError(try AzureAccount(name: "acct", base64Key: vectors.key, endpointOverride: "ftp://x"))
    }

    static func fields(_ token: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in token.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            out[parts[0]] = parts.count > 1 ? parts[1].removingPercentEncoding : ""
        }
        return out
    }
}
