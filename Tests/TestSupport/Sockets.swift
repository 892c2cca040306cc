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
