import CCurl
import Foundation
import Glibc

/// One attempt in flight: the easy handle and everything its callbacks touch. Created by the
/// caller, then owned by the loop thread until `finish` hands the result back.
/// Sendable: after `submit` only the loop thread touches it; `cancelRequested` is set under the loop's lock.
final class CurlTransfer: @unchecked Sendable {
    let request: HTTPRequest
    let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var connectToList: UnsafeMutablePointer<curl_slist>?
    private let source: BodySource?
    private let sink: ResponseSink?
    private let collector: CollectingSink?
    /// An error answer's body (S3 or Azure XML) never goes to the caller's sink: it is kept here.
    private var errorBody: CollectingSink?
    private var continuation: CheckedContinuation<HTTPResponse, Error>?
    private var status = 0
    private var responseHeaders: [HTTPHeader] = []
    private var abortReason: String?

    // Read by the loop to enforce the stall and total limits (monotonic nanoseconds).
    let startedAt = monotonicNanos()
    /// When the final answer's status line arrived: its first byte, as the user waits for it.
    /// (libcurl's STARTTRANSFER time is when it begins *sending* an upload's body, not this.)
    private var answerAt: UInt64?
    /// When curl took the request body's last byte (nil until then, and for requests without a body).
    private var bodyTakenAt: UInt64?
    private var bodyBytesTaken: Int64 = 0
    let wallStart = wallClockSeconds()
    private(set) var lastActivity: UInt64 = 0
    /// The longest gap between two moments bytes moved, once connected (nanoseconds).
    private var longestSilence: UInt64 = 0
    private(set) var connected = false
    /// Set under the loop's lock by `CurlLoop.cancel`.
    var cancelRequested = false
    /// curl's own words about a failure (CURLOPT_ERRORBUFFER: CURL_ERROR_SIZE bytes, owned here).
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))

    init(request: HTTPRequest, sink: ResponseSink?, options: TransportOptions) throws {
        guard let handle = curl_easy_init() else {
            throw TransportError(kind: .other, message: "curl_easy_init failed", metrics: AttemptMetrics())
        }
        self.request = request
        self.handle = handle
        self.sink = sink
        self.collector = sink == nil ? CollectingSink() : nil
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        ccurl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        switch request.body {
        case .empty: source = nil
        case .bytes(let bytes): source = BytesSource(bytes)
        case .stream(_, let makeSource): source = makeSource()
        }
        configure(options)
    }

    deinit {
        curl_slist_free_all(headerList)
        curl_slist_free_all(connectToList)
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    func start(_ continuation: CheckedContinuation<HTTPResponse, Error>) {
        self.continuation = continuation
    }

    private func configure(_ options: TransportOptions) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        ccurl_setopt_str(handle, CURLOPT_URL, request.url)
        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)
        // A warm connection stays usable across an interleaved round however long it takes
        // (libcurl's default retires connections idle for 118 s).
        ccurl_setopt_long(handle, CURLOPT_MAXAGE_CONN, 3600)
        if options.freshConnectionPerRequest {
            ccurl_setopt_long(handle, CURLOPT_FRESH_CONNECT, 1)
            ccurl_setopt_long(handle, CURLOPT_FORBID_REUSE, 1)
        }
        ccurl_setopt_long(handle, CURLOPT_BUFFERSIZE, options.receiveBufferSize)
        ccurl_setopt_long(handle, CURLOPT_UPLOAD_BUFFERSIZE, options.uploadBufferSize)
        ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, options.verifyTLS ? 1 : 0)
        ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, options.verifyTLS ? 2 : 0)
        if let caBundle = options.caBundle { ccurl_setopt_str(handle, CURLOPT_CAINFO, caBundle) }
        if let target = request.connectTo {
            // "::HOST:PORT": every host and port of this request goes to that address instead.
            connectToList = curl_slist_append(connectToList, "::\(target)")
            ccurl_setopt_slist(handle, CURLOPT_CONNECT_TO, connectToList)
        }
        if let connect = request.timeouts.connect {
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(connect.milliseconds)))
        }

        switch request.method {
        case "GET": ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1)
        case "HEAD": ccurl_setopt_long(handle, CURLOPT_NOBODY, 1)
        default: ccurl_setopt_str(handle, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if source != nil || request.method == "PUT" || request.method == "POST" {
            // UPLOAD streams through the read callback with a known length, for any method.
            ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
            ccurl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(request.body.length))
            ccurl_setopt_read(handle, curlRead)
            ccurl_setopt_ptr(handle, CURLOPT_READDATA, me)
        }

        // No "Expect: 100-continue" round trip; curl must not invent Content-Type or Accept either.
        var names = Set<String>()
        for header in request.headers {
            names.insert(header.name.lowercased())
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        for suppressed in ["Expect", "Accept", "Content-Type"] where !names.contains(suppressed.lowercased()) {
            headerList = curl_slist_append(headerList, "\(suppressed):")
        }
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)

        ccurl_setopt_io(handle, CURLOPT_WRITEFUNCTION, curlWrite)
        ccurl_setopt_ptr(handle, CURLOPT_WRITEDATA, me)
        ccurl_setopt_io(handle, CURLOPT_HEADERFUNCTION, curlHeader)
        ccurl_setopt_ptr(handle, CURLOPT_HEADERDATA, me)
        ccurl_setopt_prereq(handle, curlPrereq)
        ccurl_setopt_ptr(handle, CURLOPT_PREREQDATA, me)
        ccurl_setopt_ptr(handle, CURLOPT_PRIVATE, me)
    }

    // MARK: callbacks (loop thread)

    fileprivate func onConnected() {
        connected = true
        lastActivity = monotonicNanos()
    }

    /// Bytes moved now: the silence since the last move ends here.
    private func touch() {
        let now = monotonicNanos()
        if connected, lastActivity > 0, now > lastActivity { longestSilence = max(longestSilence, now - lastActivity) }
        lastActivity = now
    }

    fileprivate func onRead(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        touch()
        guard let count = source?.read(into: buffer) else {
            abortReason = "the request body source failed"
            return Int(CURL_READFUNC_ABORT)
        }
        bodyBytesTaken += Int64(count)
        if bodyTakenAt == nil, count == 0 || bodyBytesTaken >= request.body.length { bodyTakenAt = lastActivity }
        return count
    }

    fileprivate func onWrite(_ bytes: UnsafeRawBufferPointer) -> Int {
        touch()
        if sink != nil && !(200..<300).contains(status) {
            if errorBody == nil { errorBody = CollectingSink(limit: 1 << 20) }
            return errorBody!.receive(bytes) ? bytes.count : 0
        }
        let accepted = (sink ?? collector!).receive(bytes)
        if !accepted { abortReason = sink == nil ? "response body larger than the in-memory limit" : "the response sink refused the body" }
        return accepted ? bytes.count : 0
    }

    fileprivate func onHeader(_ line: UnsafeRawBufferPointer) {
        touch()
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: [" ", "\r", "\n"])
        if text.hasPrefix("HTTP/") {
            // A new status line starts a new header block (after an interim 1xx answer).
            responseHeaders = []
            let fields = text.split(separator: " ", maxSplits: 2)
            status = fields.count > 1 ? Int(fields[1]) ?? 0 : 0
            if answerAt == nil, !(100..<200).contains(status) { answerAt = lastActivity }
        } else if let colon = text.firstIndex(of: ":") {
            let name = text[..<colon].lowercased()
            let value = text[text.index(after: colon)...].trimmingCharacters(in: [" ", "\t"])
            responseHeaders.append(HTTPHeader(name, value))
        }
    }

    // MARK: completion (loop thread)

    func metrics() -> AttemptMetrics {
        var m = AttemptMetrics()
        m.status = status
        m.startedAt = wallStart
        func seconds(_ info: CURLINFO) -> Double {
            var value: curl_off_t = 0
            ccurl_getinfo_off(handle, info, &value)
            return Double(value) / 1_000_000
        }
        func int64(_ info: CURLINFO) -> Int64 {
            var value: curl_off_t = 0
            ccurl_getinfo_off(handle, info, &value)
            return Int64(value)
        }
        m.dnsTime = seconds(CURLINFO_NAMELOOKUP_TIME_T)
        m.connectTime = seconds(CURLINFO_CONNECT_TIME_T)
        let appConnect = seconds(CURLINFO_APPCONNECT_TIME_T)
        m.tlsTime = appConnect > 0 ? max(0, appConnect - m.connectTime) : 0
        // 0 when no answer came (the attempt's status is then 0 too).
        m.firstByteTime = answerAt.map { Double($0 - startedAt) / 1e9 } ?? 0
        // The request is sent when curl has taken its body's last byte, or, without a body, when
        // it starts the transfer (the request line and headers go at once).
        m.sentTime = bodyTakenAt.map { Double($0 - startedAt) / 1e9 } ?? (source == nil ? seconds(CURLINFO_PRETRANSFER_TIME_T) : 0)
        let now = monotonicNanos()
        m.totalTime = Double(now - startedAt) / 1e9
        // A request cut while silent (a stall timeout) was silent up to the cut.
        let trailing = connected && lastActivity > 0 && now > lastActivity ? now - lastActivity : 0
        m.longestSilence = Double(max(longestSilence, trailing)) / 1e9
        m.bytesSent = int64(CURLINFO_SIZE_UPLOAD_T)
        m.bytesReceived = int64(CURLINFO_SIZE_DOWNLOAD_T)
        var newConnections: Int = 0
        ccurl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &newConnections)
        m.reusedConnection = newConnections == 0 && connected
        return m
    }

    /// Resumes the waiting caller exactly once, with curl's result or the loop's own verdict.
    func finish(code: CURLcode, override: TransportError.Kind? = nil, overrideMessage: String? = nil) {
        guard let continuation else { return }
        self.continuation = nil
        let metrics = metrics()
        if let override {
            continuation.resume(throwing: TransportError(kind: override, message: overrideMessage ?? override.rawValue, metrics: metrics))
            return
        }
        if code == CURLE_OK {
            continuation.resume(returning: HTTPResponse(status: status, headers: responseHeaders,
                                                        body: collector?.bytes ?? errorBody?.bytes ?? [], metrics: metrics))
            return
        }
        continuation.resume(throwing: classify(code, metrics))
    }

    private func classify(_ code: CURLcode, _ metrics: AttemptMetrics) -> TransportError {
        var osErrno: Int = 0
        ccurl_getinfo_long(handle, CURLINFO_OS_ERRNO, &osErrno)
        let curlText = String(cString: curl_easy_strerror(code))
        let kind: TransportError.Kind
        switch code {
        case CURLE_OPERATION_TIMEDOUT where !connected: kind = .connectTimeout
        case CURLE_OPERATION_TIMEDOUT: kind = .stallTimeout
        case CURLE_COULDNT_CONNECT where osErrno == Int(ECONNREFUSED): kind = .connectionRefused
        // A listener that accepts and at once resets (a refusing proxy) can fail the connect itself.
        case CURLE_COULDNT_CONNECT where osErrno == Int(ECONNRESET): kind = .connectionReset
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: kind = .dnsFailure
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            kind = .tlsFailure
        // SEND_FAIL_REWIND: curl wanted to resend a body on a fresh connection after the old one
        // died; what happened to the request is the reset that killed it.
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_SEND_FAIL_REWIND:
            kind = osErrno == Int(ECONNRESET) || osErrno == Int(EPIPE) || code == CURLE_GOT_NOTHING ? .connectionReset : .other
        case CURLE_ABORTED_BY_CALLBACK, CURLE_WRITE_ERROR, CURLE_READ_ERROR:
            kind = .aborted
        default: kind = .other
        }
        var message = curlText
        var tlsProblem: TransportError.TLSProblem?
        if kind == .tlsFailure { (tlsProblem, message) = tlsReason(code) }
        if let abortReason { message += " (\(abortReason))" }
        if osErrno != 0 { message += " [errno \(osErrno): \(String(cString: strerror(Int32(osErrno))))]" }
        return TransportError(kind: kind, message: message, metrics: metrics, tlsProblem: tlsProblem)
    }
}

extension CurlTransfer {
    /// Which TLS failure it was, from OpenSSL's verify result: what the user must fix differs.
    fileprivate func tlsReason(_ code: CURLcode) -> (TransportError.TLSProblem, String) {
        var verify: Int = 0
        ccurl_getinfo_long(handle, CURLINFO_SSL_VERIFYRESULT, &verify)
        let detail = String(cString: errorBuffer)
        switch (code, verify) {
        case (CURLE_SSL_CACERT_BADFILE, _):
            return (.caBundleUnreadable, "the CA bundle cannot be loaded")
        case (CURLE_SSL_CONNECT_ERROR, _):
            return (.handshake, "TLS handshake refused or failed (the server does not speak TLS on this port, or refused the client's offer)")
        case (_, 2), (_, 18), (_, 19), (_, 20), (_, 21), (_, 27):
            // unable to get issuer, self-signed (leaf or in chain), unable to verify the first certificate, untrusted
            return (.untrustedIssuer, "untrusted issuer: the store's certificate is not signed by a CA this machine trusts (X509 error \(verify))")
        case (_, 10):
            return (.expired, "certificate expired (X509 error 10)")
        case (_, 9):
            return (.notYetValid, "certificate not yet valid (X509 error 9)")
        case (_, 62):
            return (.hostnameMismatch, "hostname mismatch: the certificate does not name the host in the endpoint (X509 error 62)")
        case (CURLE_PEER_FAILED_VERIFICATION, _) where detail.contains("subject name") || detail.contains("host name"):
            // curl checks the name itself after OpenSSL accepted the chain ("no alternative
            // certificate subject name matches target host name").
            return (.hostnameMismatch, "hostname mismatch: the certificate does not name the host in the endpoint")
        default:
            return (.other, "\(detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail) (X509 error \(verify))")
        }
    }
}

// MARK: C callbacks: recover the transfer from the user pointer and forward.

private let curlRead: curl_read_callback = { buffer, size, count, user in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user!).takeUnretainedValue()
    return transfer.onRead(UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
}

private let curlWrite: curl_write_callback = { data, size, count, user in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user!).takeUnretainedValue()
    return transfer.onWrite(UnsafeRawBufferPointer(start: data, count: size * count))
}

private let curlHeader: curl_write_callback = { data, size, count, user in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user!).takeUnretainedValue()
    transfer.onHeader(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

private let curlPrereq: curl_prereq_callback = { user, _, _, _, _ in
    Unmanaged<CurlTransfer>.fromOpaque(user!).takeUnretainedValue().onConnected()
    return Int32(CURL_PREREQFUNC_OK)
}

func monotonicNanos() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

func wallClockSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
