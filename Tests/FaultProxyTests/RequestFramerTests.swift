@testable import FaultProxy
import Model
import NIOCore
import XCTest

/// The proxy's request framing without a socket: bytes in, what is forwarded and which requests
/// the decision took out.
final class RequestFramerTests: XCTestCase {
    func request(_ method: String, _ path: String, body: String = "") -> String {
        "\(method) \(path) HTTP/1.1\r\nHost: s\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    /// Feeds `input` in pieces of `chunk` bytes; returns the forwarded text and the answered kinds.
    func run(_ input: String, chunk: Int, decide: @escaping () -> InjectedFault.Kind?) -> (String, [InjectedFault.Kind]) {
        var framer = RequestFramer(decide: decide)
        var forwarded = ByteBuffer()
        var answered: [InjectedFault.Kind] = []
        let bytes = Array(input.utf8)
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            var piece = ByteBuffer()
            piece.writeBytes(bytes[start..<min(bytes.count, start + chunk)])
            answered += framer.take(piece, forwardInto: &forwarded)
        }
        return (forwarded.readString(length: forwarded.readableBytes) ?? "", answered)
    }

    func testSwallowedRequestsVanishWholeAndOthersPassUntouchedInAnyChunking() {
        let first = request("PUT", "/b/k?partNumber=1", body: String(repeating: "x", count: 5000))
        let second = request("GET", "/b/k")
        let third = request("PUT", "/b/k2", body: "hello\r\n\r\nworld")
        for chunk in [1, 3, 7, 64, 4096, 100_000] {
            var decisions: [InjectedFault.Kind?] = [nil, .slowDown, nil]
            let (forwarded, answered) = run(first + second + third, chunk: chunk) { decisions.removeFirst() }
            XCTAssertEqual(forwarded, first + third, "chunk \(chunk)")
            XCTAssertEqual(answered, [.slowDown], "chunk \(chunk)")
        }
    }

    func testLostAnswerForwardsTheRequestAndReportsIt() {
        let body = String(repeating: "y", count: 300)
        let put = request("POST", "/b/k?uploads", body: body)
        var decisions: [InjectedFault.Kind?] = [.lostAnswer, .serverError]
        let (forwarded, answered) = run(put + request("GET", "/b/k"), chunk: 50) { decisions.removeFirst() }
        XCTAssertEqual(forwarded, put, "the store gets the request whose answer is lost; the 500 is answered by the proxy")
        XCTAssertEqual(answered, [.lostAnswer, .serverError])
    }

    func testHeadsWithoutContentLengthHaveNoBody() {
        let head = "DELETE /b/k HTTP/1.1\r\nHost: s\r\n\r\n"
        var decisions: [InjectedFault.Kind?] = [nil, nil]
        let (forwarded, answered) = run(head + head, chunk: 5) { decisions.removeFirst() }
        XCTAssertEqual(forwarded, head + head)
        XCTAssertEqual(answered, [])
    }
}
