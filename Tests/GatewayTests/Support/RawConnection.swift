import Foundation

/// A plain TCP connection to loopback for tests that must misbehave below HTTP (slow clients).
/// Blocking calls, so use it from `inThread`.
final class RawConnection: @unchecked Sendable {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw RawConnectionError.connectFailed }
    }

    /// False once the peer has closed the connection (EPIPE/ECONNRESET).
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Everything until the peer closes or `timeout` passes.
    func readAll(timeout: Duration) -> String {
        read(timeout: timeout, untilClosed: true)
    }

    /// The first bytes to arrive within `timeout`, or nothing: that the peer has begun to answer,
    /// without waiting for a keep-alive connection to close.
    func readSome(timeout: Duration) -> String {
        read(timeout: timeout, untilClosed: false)
    }

    private func read(timeout: Duration, untilClosed: Bool) -> String {
        var tv = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        repeat {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            out.append(contentsOf: buffer[0..<count])
        } while untilClosed
        return String(decoding: out, as: UTF8.self)
    }

    /// Shuts the sending side (a FIN), keeping the connection open for the answer.
    func shutdownWrite() { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }

    func close() { _ = Glibc.close(fd) }
}

enum RawConnectionError: Error {
    case connectFailed
}

/// Runs blocking work on a thread of its own, off Swift's cooperative pool.
func inThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}
