import CCurl
import NIOCore

/// State of one transfer, owned by the curl thread from `curl_multi_add_handle` to completion.
/// libcurl's callbacks reach it through the `Unmanaged` pointer set as WRITEDATA/HEADERDATA/PREREQDATA;
/// the engine's `inflight` table keeps it alive meanwhile.
final class CurlTransfer {
    let continuation: CheckedContinuation<UpstreamResponse, any Error>
    let maxResponse: Int
    let started = ContinuousClock.now
    var headerList: UnsafeMutablePointer<curl_slist>?
    var status = 0
    var headers: [HeaderLine] = []
    var body = ByteBuffer()
    var tooLarge = false
    /// How often libcurl was about to send the request; above 1 is libcurl's silent re-send, refused.
    var sendAttempts = 0

    init(continuation: CheckedContinuation<UpstreamResponse, any Error>, maxResponse: Int) {
        self.continuation = continuation
        self.maxResponse = maxResponse
    }

    var pointer: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer) -> CurlTransfer {
        Unmanaged<CurlTransfer>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// One raw header line from libcurl, CRLF included. A new status line starts a new header block
    /// (interim 1xx answers are dropped that way).
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        // Work on bytes: "\r\n" is one Character in Swift, and this runs for every header of every answer.
        var end = bytes.count
        while end > 0, bytes[end - 1] == 10 || bytes[end - 1] == 13 { end -= 1 }
        guard end > 0 else { return }
        let line = UnsafeRawBufferPointer(rebasing: bytes[0..<end])
        if line.starts(with: "HTTP/".utf8) {
            headers.removeAll(keepingCapacity: true)
            return
        }
        if line[0] == Self.space || line[0] == Self.tab {
            // Obsolete line folding: continue the previous value.
            if !headers.isEmpty {
                headers[headers.count - 1].value += " " + String(decoding: Self.trimmed(line), as: UTF8.self)
            }
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: line[..<colon]), as: UTF8.self)
        let value = String(decoding: Self.trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...])), as: UTF8.self)
        headers.append(HeaderLine(name, value))
    }

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    /// `bytes` without leading and trailing spaces and tabs.
    private static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var (start, end) = (0, bytes.count)
        while start < end, bytes[start] == space || bytes[start] == tab { start += 1 }
        while end > start, bytes[end - 1] == space || bytes[end - 1] == tab { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if body.readableBytes + bytes.count > maxResponse {
            tooLarge = true
            return false
        }
        body.writeBytes(bytes)
        return true
    }
}

// Capture-free C callbacks: libcurl calls them on the curl thread.
let curlWriteCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let total = size * count
    let bytes = UnsafeRawBufferPointer(start: data, count: total)
    return CurlTransfer.from(userdata).receiveBody(bytes) ? total : 0
}

let curlHeaderCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let total = size * count
    CurlTransfer.from(userdata).receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: total))
    return total
}

/// Called by libcurl once a connection is ready and before the request is written. A second call for the
/// same transfer is libcurl re-sending on its own after a reused connection died: the first copy may
/// have been processed, so the transfer is aborted instead.
let curlPrereqCallback: curl_prereq_callback = { userdata, _, _, _, _ in
    guard let userdata else { return Int32(CURL_PREREQFUNC_ABORT) }
    let transfer = CurlTransfer.from(userdata)
    transfer.sendAttempts += 1
    return transfer.sendAttempts == 1 ? Int32(CURL_PREREQFUNC_OK) : Int32(CURL_PREREQFUNC_ABORT)
}
