import Hashing
import XCTest

/// Known answers from RFC 1321 (MD5), FIPS 180-2 (SHA-256) and RFC 4231 (HMAC-SHA256).
final class DigestTests: XCTestCase {
    func testMD5KnownAnswers() {
        XCTAssertEqual(Digest.hash(.md5, Array("".utf8)).hexString, "d41d8cd98f00b204e9800998ecf8427e")
        XCTAssertEqual(Digest.hash(.md5, Array("abc".utf8)).hexString, "900150983cd24fb0d6963f7d28e17f72")
    }

    func testStreamingEqualsOneShot() {
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let streamed = Digest(.md5)
        for chunk in stride(from: 0, to: bytes.count, by: 7777) {
            streamed.update(bytes[chunk..<min(chunk + 7777, bytes.count)])
        }
        XCTAssertEqual(streamed.finish(), Digest.hash(.md5, bytes))
    }

    func testSHA256KnownAnswer() {
        XCTAssertEqual(Digest.hash(.sha256, Array("abc".utf8)).hexString,
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testHMACSHA256RFC4231Case2() {
        let mac = HMAC.authenticate(.sha256, key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        XCTAssertEqual(mac.hexString, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    func testBase64() {
        XCTAssertEqual(Array("abcd".utf8).base64String, "YWJjZA==")
    }
}
