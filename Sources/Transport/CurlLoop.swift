import CCurl
import Foundation

/// The one thread that owns libcurl's multi handle. Callers hand it transfers through `submit`
/// and `cancel` (the only cross-thread entry points, guarded by a lock and woken with
/// curl_multi_wakeup); every curl call and every body callback runs here.
/// Sendable: `incoming`, `cancellations` and `stopping` only under `lock`; `active` and the multi handle only on the loop thread.
final class CurlLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var incoming: [CurlTransfer] = []
    private var cancellations: [CurlTransfer] = []
    private var stopping = false
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]  // loop thread only
    private var finished = DispatchSemaphore(value: 0)

    init(maxConnections: Int) {
        CurlGlobal.initialise()
        multi = curl_multi_init()!
        ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnections)
        ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxConnections)
        let thread = Thread { [self] in run() }
        thread.name = "scoretune-curl"
        thread.start()
    }

    func submit(_ transfer: CurlTransfer) {
        lock.withLock { incoming.append(transfer) }
        curl_multi_wakeup(multi)
    }

    func cancel(_ transfer: CurlTransfer) {
        // The flag covers a cancel that arrives before the loop has picked the transfer up.
        lock.withLock {
            transfer.cancelRequested = true
            cancellations.append(transfer)
        }
        curl_multi_wakeup(multi)
    }

    /// Stops the thread after failing whatever is still in flight, and frees the multi handle.
    func shutdown() {
        lock.withLock { stopping = true }
        curl_multi_wakeup(multi)
        finished.wait()
    }

    private func run() {
        var stillRunning: Int32 = 0
        while true {
            let (newTransfers, cancelled, stop) = lock.withLock {
                defer { incoming = []; cancellations = [] }
                return (incoming.map { ($0, $0.cancelRequested) }, cancellations, stopping)
            }
            for (transfer, alreadyCancelled) in newTransfers {
                if alreadyCancelled {
                    transfer.finish(code: CURLE_ABORTED_BY_CALLBACK, override: .cancelled, overrideMessage: "cancelled by the caller")
                    continue
                }
                active[transfer.handle] = transfer
                curl_multi_add_handle(multi, transfer.handle)
            }
            for transfer in cancelled where active[transfer.handle] === transfer {
                end(transfer, code: CURLE_ABORTED_BY_CALLBACK, override: .cancelled, message: "cancelled by the caller")
            }
            if stop {
                for transfer in Array(active.values) {
                    end(transfer, code: CURLE_ABORTED_BY_CALLBACK, override: .cancelled, message: "transport shut down")
                }
                break
            }

            curl_multi_perform(multi, &stillRunning)
            collectCompleted()
            enforceDeadlines()
            // Wake at least every 50 ms while transfers run, so stall and total limits stay accurate.
            curl_multi_poll(multi, nil, 0, active.isEmpty ? 1000 : 50, nil)
        }
        curl_multi_cleanup(multi)
        finished.signal()
    }

    private func collectCompleted() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                  let transfer = active[handle] else { continue }
            end(transfer, code: message.pointee.data.result)
        }
    }

    private func enforceDeadlines() {
        let now = monotonicNanos()
        for transfer in Array(active.values) {
            let timeouts = transfer.request.timeouts
            if let total = timeouts.total, now - transfer.startedAt > UInt64(total.milliseconds) * 1_000_000 {
                end(transfer, code: CURLE_OPERATION_TIMEDOUT, override: .totalTimeout,
                    message: "no complete answer within the overall limit of \(total.milliseconds) ms")
            } else if let stall = timeouts.stall, transfer.connected,
                      now - transfer.lastActivity > UInt64(stall.milliseconds) * 1_000_000 {
                end(transfer, code: CURLE_OPERATION_TIMEDOUT, override: .stallTimeout,
                    message: "no bytes moved for \(stall.milliseconds) ms")
            }
        }
    }

    private func end(_ transfer: CurlTransfer, code: CURLcode, override: TransportError.Kind? = nil, message: String? = nil) {
        curl_multi_remove_handle(multi, transfer.handle)
        active[transfer.handle] = nil
        transfer.finish(code: code, override: override, overrideMessage: message)
    }
}

/// curl_global_init must run once per process before any other curl call.
enum CurlGlobal {
    private static let done: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return true
    }()
    static func initialise() { _ = done }
}
