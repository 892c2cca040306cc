import Model
import NIOCore

/// Finds HTTP/1.1 request boundaries in what a client sends (head up to a blank line, then
/// Content-Length bytes of body), and lets a decision swallow whole requests. A `lostAnswer`
/// decision forwards the request and is reported once it is complete, like the swallowed ones.
struct RequestFramer {
    private var head: [UInt8] = []
    private var bodyLeft: Int64 = 0
    private var inHead = true
    private var swallowing: InjectedFault.Kind?
    private let decide: () -> InjectedFault.Kind?

    init(decide: @escaping () -> InjectedFault.Kind?) { self.decide = decide }

    /// Appends what passes to `forward`; returns the requests taken out (complete ones).
    mutating func take(_ input: ByteBuffer, forwardInto forward: inout ByteBuffer) -> [InjectedFault.Kind] {
        var answered: [InjectedFault.Kind] = []
        var bytes = input
        while bytes.readableBytes > 0 {
            if inHead {
                let before = head.count
                head += bytes.readBytes(length: bytes.readableBytes)!
                guard let end = Self.endOfHead(head, searchFrom: max(0, before - 3)) else { continue }
                let requestHead = Array(head[..<end])
                // What came after the head is body (or the next request): put it back.
                var rest = ByteBuffer()
                rest.writeBytes(head[end...])
                bytes = rest
                head = []
                bodyLeft = Self.contentLength(requestHead)
                swallowing = decide()
                if swallowing == nil || swallowing == .lostAnswer { forward.writeBytes(requestHead) }
                inHead = false
            } else {
                let n = Int(min(Int64(bytes.readableBytes), bodyLeft))
                let slice = bytes.readSlice(length: n)!
                if swallowing == nil || swallowing == .lostAnswer { forward.writeImmutableBuffer(slice) }
                bodyLeft -= Int64(n)
            }
            if !inHead && bodyLeft == 0 {
                if let kind = swallowing { answered.append(kind) }
                swallowing = nil
                inHead = true
            }
        }
        return answered
    }

    static func endOfHead(_ bytes: [UInt8], searchFrom start: Int) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var i = start
        while i + 3 < bytes.count {
            if bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 { return i + 4 }
            i += 1
        }
        return nil
    }

    static func contentLength(_ head: [UInt8]) -> Int64 {
        let text = String(decoding: head, as: UTF8.self)
        for line in text.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
            return Int64(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return 0
    }
}
