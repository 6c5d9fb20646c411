import CCurl
import Foundation

/// A plain HTTP/1.1 client for tests: libcurl's easy interface on a thread of its own per request, so a
/// slow or hanging server never blocks Swift's cooperative pool (which the in-process gateway needs).
/// The path is sent exactly as given (PATH_AS_IS), so hostile paths reach the gateway unaltered.
struct TestHTTPClient: Sendable {
    struct Response: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: String
        var milliseconds: Int

        func header(_ name: String) -> String? { headers.last { $0.name.lowercased() == name.lowercased() }?.value }
        func headers(_ name: String) -> [String] { headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value) }
    }

    var timeout: Duration = .seconds(20)

    func send(_ method: String = "GET", _ url: String, headers: [String] = [], body: String? = nil) async -> Response {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Self.perform(method, url, headers, body, timeout))
            }
            thread.start()
        }
    }

    private static func perform(_ method: String, _ url: String, _ headers: [String], _ body: String?, _ timeout: Duration) -> Response {
        guard let easy = curl_easy_init() else { return Response(status: 0, headers: [], body: "", milliseconds: 0) }
        defer { curl_easy_cleanup(easy) }
        let sink = TestSink()
        let pointer = Unmanaged.passUnretained(sink).toOpaque()
        _ = ccurl_easy_setopt_str(easy, CURLOPT_URL, url)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_PATH_AS_IS, 1)
        let (seconds, attoseconds) = timeout.components
        _ = ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
        _ = ccurl_easy_setopt_write_cb(easy, CURLOPT_WRITEFUNCTION, testWrite)
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, pointer)
        _ = ccurl_easy_setopt_write_cb(easy, CURLOPT_HEADERFUNCTION, testHeader)
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_HEADERDATA, pointer)
        if method == "HEAD" {
            _ = ccurl_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        } else if method != "GET" || body != nil {
            _ = ccurl_easy_setopt_str(easy, CURLOPT_CUSTOMREQUEST, method)
        }
        if let body {
            _ = ccurl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.utf8.count))
            _ = ccurl_easy_setopt_str(easy, CURLOPT_COPYPOSTFIELDS, body)
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for header in headers + ["Expect:"] { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        _ = ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
        let started = ContinuousClock.now
        let code = curl_easy_perform(easy)
        let elapsed = ContinuousClock.now - started
        let milliseconds = Int(elapsed.components.seconds) * 1000 + Int(elapsed.components.attoseconds / 1_000_000_000_000_000)
        guard code == CURLE_OK else { return Response(status: 0, headers: [], body: String(cString: curl_easy_strerror(code)), milliseconds: milliseconds) }
        var status = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return Response(status: status, headers: sink.headers, body: String(decoding: sink.body, as: UTF8.self), milliseconds: milliseconds)
    }
}

private final class TestSink {
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
}

private let testWrite: curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    Unmanaged<TestSink>.fromOpaque(userdata).takeUnretainedValue().body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

private let testHeader: curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self).trimmingCharacters(in: .newlines)
    let sink = Unmanaged<TestSink>.fromOpaque(userdata).takeUnretainedValue()
    if line.hasPrefix("HTTP/") { sink.headers.removeAll() }
    if let colon = line.firstIndex(of: ":") {
        sink.headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
    }
    return size * count
}
