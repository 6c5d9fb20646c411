import CCurl
import Foundation
import NIOCore
import NIOConcurrencyHelpers

/// The upstream HTTP engine: one libcurl multi handle driven by one dedicated thread.
///
/// Callers never block: `send` parks a continuation in the inbox and wakes the thread with
/// `curl_multi_wakeup` (the only libcurl call made off the curl thread). The thread adds new transfers,
/// runs `curl_multi_perform`, resumes the continuations of finished transfers, and sleeps in
/// `curl_multi_poll`. Every easy handle shares the multi handle's connection cache, which gives
/// keep-alive reuse bounded by `CurlSettings.maxConnections`; no share handle is needed.
public final class CurlEngine: Sendable {
    private let inbox: CurlInbox
    private let loop: CurlLoop

    public init(settings: CurlSettings) throws {
        CurlGlobal.initialize()
        guard let multi = curl_multi_init() else { throw CurlEngineError.initFailed }
        let connections = max(1, settings.maxConnections)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, connections)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, connections)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, connections)
        let handle = MultiHandle(raw: multi)
        inbox = CurlInbox(multi: handle)
        loop = CurlLoop(multi: handle, settings: settings, inbox: inbox)
        let loop = self.loop
        NamedThread.start("curl-multi") { loop.run() }
    }

    /// Sends the request once and returns the complete answer, or throws `UpstreamFailure`.
    public func send(_ request: UpstreamRequest, limits: TransferLimits) async throws -> UpstreamResponse {
        try await withCheckedThrowingContinuation { continuation in
            let item = CurlInbox.Item(request: request, limits: limits, continuation: continuation)
            if !inbox.enqueue(item) {
                continuation.resume(throwing: UpstreamFailure(kind: .engineStopped, detail: "upstream engine is stopping", duration: .zero))
            }
        }
    }

    /// Lets transfers in flight finish, then releases every libcurl resource. New sends fail at once.
    public func shutdown() async {
        await withCheckedContinuation { continuation in
            inbox.stop(then: continuation)
        }
    }
}

enum CurlEngineError: Error {
    case initFailed
}

/// `CURLM` is `void`, so it imports as a raw pointer. Only the curl thread uses it, except
/// `curl_multi_wakeup`, which libcurl documents as callable from any thread; the inbox calls it under its
/// lock, and the loop marks the inbox closed under that lock before `curl_multi_cleanup`.
struct MultiHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
}

/// The only state shared between callers and the curl thread.
final class CurlInbox: Sendable {
    struct Item: Sendable {
        var request: UpstreamRequest
        var limits: TransferLimits
        var continuation: CheckedContinuation<UpstreamResponse, any Error>
    }

    struct State {
        var queue: [Item] = []
        var stopping = false
        var closed = false
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())
    private let multi: MultiHandle

    init(multi: MultiHandle) {
        self.multi = multi
    }

    func enqueue(_ item: Item) -> Bool {
        state.withLockedValue { state in
            guard !state.stopping else { return false }
            state.queue.append(item)
            // Wake only on empty → non-empty: one wakeup covers a burst.
            if state.queue.count == 1 { _ = curl_multi_wakeup(multi.raw) }
            return true
        }
    }

    func stop(then continuation: CheckedContinuation<Void, Never>) {
        let alreadyClosed = state.withLockedValue { state -> Bool in
            if state.closed { return true }
            state.stopWaiters.append(continuation)
            if !state.stopping {
                state.stopping = true
                _ = curl_multi_wakeup(multi.raw)
            }
            return false
        }
        if alreadyClosed { continuation.resume() }
    }

    /// Takes the queued items; tells whether the engine is stopping.
    func take() -> (items: [Item], stopping: Bool) {
        state.withLockedValue { state in
            let items = state.queue
            state.queue.removeAll(keepingCapacity: true)
            return (items, state.stopping)
        }
    }

    var hasWork: Bool { state.withLockedValue { !$0.queue.isEmpty } }

    /// Marks the inbox closed (no more wakeups) and returns who waits for the stop.
    func close() -> [CheckedContinuation<Void, Never>] {
        state.withLockedValue { state in
            state.closed = true
            let waiters = state.stopWaiters
            state.stopWaiters = []
            return waiters
        }
    }
}

enum CurlGlobal {
    private static let once: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL))
        return true
    }()

    static func initialize() { _ = once }
}
