import Foundation
import Glibc

/// Loopback sockets that misbehave on purpose, for the transport's timeout tests. Everything
/// binds to 127.0.0.1; nothing here ever sends traffic elsewhere.
public final class LoopbackListener {
    public let fd: Int32
    public let port: UInt16
    private var fillers: [Int32] = []

    /// A listening socket that never accepts. With a roomy backlog the kernel completes
    /// handshakes anyway, so clients connect and then hear nothing: a stalled server.
    public init(backlog: Int32 = 16) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, backlog) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    /// Fills the accept queue of a backlog-0 listener so the kernel drops further SYNs: the next
    /// client's connect hangs until its connect timeout. Bounded to 16 filler connections.
    public func fillAcceptQueue() -> Bool {
        for _ in 0..<16 {
            let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            fillers.append(client)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = port.bigEndian
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            var poller = pollfd(fd: client, events: Int16(POLLOUT), revents: 0)
            if poll(&poller, 1, 300) == 0 { return true }  // this SYN went unanswered: the queue is full
        }
        return false
    }

    deinit {
        for filler in fillers { close(filler) }
        close(fd)
    }
}

/// A port on 127.0.0.1 with nothing listening: connections are refused.
public func closedLoopbackPort() throws -> UInt16 {
    let listener = try LoopbackListener()
    return listener.port  // closed when the listener is released here
}

/// A one-shot HTTP server on 127.0.0.1 that reads a whole request (headers and a Content-Length
/// body), waits `delay`, then answers 200: a store slow to answer after the upload's last byte.
public final class SlowAnswerServer: @unchecked Sendable {
    public let port: UInt16
    private let listener: LoopbackListener
    private let thread: Thread

    public init(delay: Double) throws {
        let listener = try LoopbackListener()
        self.listener = listener
        port = listener.port
        let fd = listener.fd
        thread = Thread {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            defer { close(client) }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            var expected: Int?
            // Bounded: at most 64 MiB read before giving up.
            while received.count < 64 << 20 {
                let n = read(client, &buffer, buffer.count)
                guard n > 0 else { return }
                received += buffer[0..<n]
                if expected == nil, let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
                    let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
                    let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                    expected = end.upperBound + length
                }
                if let expected, received.count >= expected { break }
            }
            Thread.sleep(forTimeInterval: delay)
            let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
            _ = answer.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
        }
        thread.start()
    }
}
