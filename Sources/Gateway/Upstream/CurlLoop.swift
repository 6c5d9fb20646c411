import CCurl
import NIOCore

/// The curl thread's side of the engine. Everything here runs on that one thread; the class is marked
/// `@unchecked Sendable` only so that the thread's closure can own it.
final class CurlLoop: @unchecked Sendable {
    private let multi: MultiHandle
    private let settings: CurlSettings
    private let inbox: CurlInbox
    private var inflight: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private var errorBuffers: [UnsafeMutableRawPointer: UnsafeMutablePointer<CChar>] = [:]

    init(multi: MultiHandle, settings: CurlSettings, inbox: CurlInbox) {
        self.multi = multi
        self.settings = settings
        self.inbox = inbox
    }

    func run() {
        while true {
            let (items, stopping) = inbox.take()
            for item in items { start(item) }
            var running: Int32 = 0
            _ = curl_multi_perform(multi.raw, &running)
            collectFinished()
            if stopping && inflight.isEmpty && !inbox.hasWork { break }
            // A finite timeout guards against a swallowed wakeup; pending work skips the sleep.
            if !inbox.hasWork {
                var woken: Int32 = 0
                _ = curl_multi_poll(multi.raw, nil, 0, 1000, &woken)
            }
        }
        let waiters = inbox.close()
        for handle in idleHandles { releaseHandle(handle) }
        idleHandles.removeAll()
        curl_multi_cleanup(multi.raw)
        for waiter in waiters { waiter.resume() }
    }

    private func start(_ item: CurlInbox.Item) {
        guard let easy = takeHandle() else {
            item.continuation.resume(throwing: UpstreamFailure(kind: .notSent, detail: "cannot create a transfer", duration: .zero))
            return
        }
        let transfer = CurlTransfer(continuation: item.continuation, maxResponse: item.limits.maxResponse)
        let request = item.request
        _ = ccurl_easy_setopt_str(easy, CURLOPT_URL, request.url)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, max(1, item.limits.connectTimeout.milliseconds))
        _ = ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, max(1, item.limits.timeout.milliseconds))
        _ = ccurl_easy_setopt_long(easy, CURLOPT_FRESH_CONNECT, request.freshConnection ? 1 : 0)
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, transfer.pointer)
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_HEADERDATA, transfer.pointer)
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_PREREQDATA, transfer.pointer)
        setMethodAndBody(easy, request)
        transfer.headerList = headerList(for: request)
        _ = ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, transfer.headerList)
        inflight[easy] = transfer
        if curl_multi_add_handle(multi.raw, easy) != CURLM_OK {
            inflight[easy] = nil
            finish(easy, transfer, result: .failure(UpstreamFailure(kind: .notSent, detail: "cannot start the transfer", duration: .zero)))
        }
    }

    private func setMethodAndBody(_ easy: UnsafeMutableRawPointer, _ request: UpstreamRequest) {
        _ = ccurl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
        _ = ccurl_easy_setopt_str(easy, CURLOPT_CUSTOMREQUEST, nil)
        switch request.method {
        case "GET" where request.body == nil:
            break
        case "HEAD":
            _ = ccurl_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        default:
            if let body = request.body {
                _ = ccurl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.readableBytes))
                body.withUnsafeReadableBytes { bytes in
                    // COPYPOSTFIELDS copies, so the buffer may go away after this call.
                    let base = bytes.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)
                    _ = ccurl_easy_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                }
            }
            _ = ccurl_easy_setopt_str(easy, CURLOPT_CUSTOMREQUEST, request.method)
        }
    }

    private func headerList(for request: UpstreamRequest) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        var hasAccept = false
        for header in request.headers {
            // Values come from a parsed request or from the gateway itself; refuse anything that could split a line.
            if header.name.utf8.contains(where: { $0 == 13 || $0 == 10 }) || header.value.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
                continue
            }
            if header.name.equalsIgnoringASCIICase("accept") { hasAccept = true }
            // "Name;" is libcurl's way to send a header with an empty value.
            let line = header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
            list = curl_slist_append(list, line)
        }
        // Without these libcurl would add "Expect: 100-continue" and "Accept: */*" of its own.
        list = curl_slist_append(list, "Expect:")
        if !hasAccept { list = curl_slist_append(list, "Accept:") }
        return list
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi.raw, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = ccurl_msg_result(message)
            curl_multi_remove_handle(multi.raw, easy)
            guard let transfer = inflight.removeValue(forKey: easy) else { continue }
            finish(easy, transfer, result: outcome(easy, transfer, code))
        }
    }

    private func outcome(_ easy: UnsafeMutableRawPointer, _ transfer: CurlTransfer, _ code: CURLcode) -> Result<UpstreamResponse, UpstreamFailure> {
        let duration = ContinuousClock.now - transfer.started
        if code == CURLE_OK {
            var status = 0
            var connects = 0
            _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            _ = ccurl_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
            return .success(UpstreamResponse(status: status, headers: transfer.headers, body: transfer.body, connectionsOpened: connects, duration: duration))
        }
        let detail = errorDetail(easy, code)
        if transfer.tooLarge {
            return .failure(UpstreamFailure(kind: .responseTooLarge, detail: "upstream response larger than \(transfer.maxResponse) bytes", duration: duration))
        }
        if transfer.sendAttempts == 0 {
            return .failure(UpstreamFailure(kind: .notSent, detail: detail, duration: duration))
        }
        if transfer.sendAttempts > 1 {
            return .failure(UpstreamFailure(kind: .brokenAfterSend, detail: "upstream closed the connection without answering; not re-sent", duration: duration))
        }
        if code == CURLE_OPERATION_TIMEDOUT {
            return .failure(UpstreamFailure(kind: .timedOut, detail: detail, duration: duration))
        }
        return .failure(UpstreamFailure(kind: .brokenAfterSend, detail: detail, duration: duration))
    }

    private func errorDetail(_ easy: UnsafeMutableRawPointer, _ code: CURLcode) -> String {
        if let buffer = errorBuffers[easy], buffer.pointee != 0 {
            return String(cString: buffer)
        }
        return String(cString: curl_easy_strerror(code))
    }

    private func finish(_ easy: UnsafeMutableRawPointer, _ transfer: CurlTransfer, result: Result<UpstreamResponse, UpstreamFailure>) {
        _ = ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, nil)
        curl_slist_free_all(transfer.headerList)
        transfer.headerList = nil
        if idleHandles.count < max(8, settings.maxConnections) {
            idleHandles.append(easy)
        } else {
            releaseHandle(easy)
        }
        transfer.continuation.resume(with: result.mapError { $0 as any Error })
    }

    private func takeHandle() -> UnsafeMutableRawPointer? {
        if let easy = idleHandles.popLast() {
            errorBuffers[easy]?.pointee = 0
            return easy
        }
        guard let easy = curl_easy_init() else { return nil }
        configure(easy)
        return easy
    }

    /// Options that never change for a handle.
    private func configure(_ easy: UnsafeMutableRawPointer) {
        _ = ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_TCP_NODELAY, 1)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        _ = ccurl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_PATH_AS_IS, 1)
        _ = ccurl_easy_setopt_str(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = ccurl_easy_setopt_long(easy, CURLOPT_DNS_CACHE_TIMEOUT, 60)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_MAXAGE_CONN, max(1, Int(settings.maxIdle.components.seconds)))
        _ = ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, settings.tlsVerify ? 1 : 0)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, settings.tlsVerify ? 2 : 0)
        if let caFile = settings.caFile { _ = ccurl_easy_setopt_str(easy, CURLOPT_CAINFO, caFile) }
        if let cert = settings.clientCertFile { _ = ccurl_easy_setopt_str(easy, CURLOPT_SSLCERT, cert) }
        if let key = settings.clientKeyFile { _ = ccurl_easy_setopt_str(easy, CURLOPT_SSLKEY, key) }
        _ = ccurl_easy_setopt_write_cb(easy, CURLOPT_WRITEFUNCTION, curlWriteCallback)
        _ = ccurl_easy_setopt_write_cb(easy, CURLOPT_HEADERFUNCTION, curlHeaderCallback)
        _ = ccurl_easy_setopt_prereq_cb(easy, curlPrereqCallback)
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        buffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        errorBuffers[easy] = buffer
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(buffer))
    }

    private func releaseHandle(_ easy: UnsafeMutableRawPointer) {
        curl_easy_cleanup(easy)
        errorBuffers.removeValue(forKey: easy)?.deallocate()
    }
}
