import Foundation
import NIOConcurrencyHelpers

/// An upstream that misbehaves below HTTP on purpose: for each connection it reads one request (head
/// and `Content-Length` body), then plays `script` — raw bytes, pauses, a clean close or a reset.
/// Plain sockets on a thread of its own, so nothing in it can be "helpfully" correct.
final class ScriptedUpstream: Sendable {
    enum Step: Sendable {
        case send(String)
        case pause(Duration)
        /// Close with SO_LINGER 0: the peer sees a reset, not an end of stream.
        case reset
    }

    let port: Int
    private let listener: Int32
    private let counts = NIOLockedValueBox((connections: 0, requests: 0))
    private let stopped = NIOLockedValueBox(false)

    /// Connections accepted, and complete HTTP requests read.
    var connections: Int { counts.withLockedValue { $0.connections } }
    var requests: Int { counts.withLockedValue { $0.requests } }

    init(script: [Step]) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw RawConnectionError.connectFailed }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let fd = listener
        Thread { [self] in
            while !stopped.withLockedValue({ $0 }) {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else { return }
                counts.withLockedValue { $0.connections += 1 }
                Thread { [self] in serve(connection, script) }.start()
            }
        }.start()
    }

    func stop() {
        stopped.withLockedValue { $0 = true }
        shutdown(listener, Int32(SHUT_RDWR))
        _ = Glibc.close(listener)
    }

    private func serve(_ fd: Int32, _ script: [Step]) {
        guard readRequest(fd) else {
            _ = Glibc.close(fd)
            return
        }
        counts.withLockedValue { $0.requests += 1 }
        for step in script {
            switch step {
            case .send(let text):
                let bytes = Array(text.utf8)
                _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            case .pause(let duration):
                Thread.sleep(forTimeInterval: Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
            case .reset:
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                _ = Glibc.close(fd)
                return
            }
        }
        _ = Glibc.close(fd)
    }

    /// True when a whole request (head and Content-Length body) was read.
    private func readRequest(_ fd: Int32) -> Bool {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            data += buffer[0..<count]
            let text = String(decoding: data, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<end.lowerBound].lowercased()
            guard head.hasPrefix("get ") || head.hasPrefix("post ") || head.hasPrefix("put ") else { return false }
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if text.utf8.count - text[..<end.upperBound].utf8.count >= length { return true }
        }
    }
}
