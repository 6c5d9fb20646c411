import Foundation
import NIOConcurrencyHelpers

/// The access log (SPEC §5): one line per request, written off the request path. Requests only append
/// an entry to a bounded queue; one writer thread formats and writes batches. When the queue is full the
/// entry is dropped and counted — a slow disk never blocks a request. `close()` flushes what is queued;
/// `reopen()` (SIGUSR1) makes the writer open the path again, for logrotate.
public final class AccessLog: Sendable {
    private struct State {
        var queue: [AccessLogEntry] = []
        var dropped = 0
        var reopen = false
        var closing = false
    }

    private let state = NIOLockedValueBox(State())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let capacity: Int
    private let format: AccessLogFormat
    private let path: String
    private let redact: [String]
    private static let gatherMicroseconds: UInt32 = 5_000

    public init(path: String, format: AccessLogFormat, redactQuery: [String], capacity: Int = 65_536) throws {
        self.path = path
        self.format = format
        self.capacity = capacity
        redact = Array(Set(redactQuery.map { $0.lowercased() }))
        let descriptor = try Self.open(path)
        NamedThread.start("access-log") { [self] in self.writeLoop(descriptor) }
    }

    /// Queues the line for a finished request; never blocks.
    public func record(_ response: GatewayResponse, started: Date, duration: Duration) {
        let entry = AccessLogEntry(response, started: started, duration: duration, redact: redact)
        let signal = state.withLockedValue { state -> Bool in
            guard !state.closing, state.queue.count < capacity else {
                state.dropped += 1
                return false
            }
            state.queue.append(entry)
            return state.queue.count == 1
        }
        if signal { wake.signal() }
    }

    /// Lines dropped because the queue was full.
    public var dropped: Int { state.withLockedValue { $0.dropped } }

    public func reopen() {
        state.withLockedValue { $0.reopen = true }
        wake.signal()
    }

    /// Writes everything queued, then stops the writer.
    public func close() async {
        state.withLockedValue { $0.closing = true }
        wake.signal()
        let finished = self.finished
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                finished.wait()
                continuation.resume()
            }.start()
        }
    }

    private func writeLoop(_ initial: Int32) {
        var descriptor = initial
        while true {
            wake.wait()
            let (batch, reopen, closing) = state.withLockedValue { state -> ([AccessLogEntry], Bool, Bool) in
                defer {
                    state.queue.removeAll(keepingCapacity: true)
                    state.reopen = false
                }
                return (state.queue, state.reopen, state.closing)
            }
            if reopen, path != "-", let fresh = try? Self.open(path) {
                Glibc.close(descriptor)
                descriptor = fresh
            }
            if !batch.isEmpty {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(batch.count * 512)
                for entry in batch {
                    if format == .json { entry.appendJSON(to: &bytes) } else { bytes.append(contentsOf: entry.combined.utf8) }
                    bytes.append(UInt8(ascii: "\n"))
                }
                Self.writeAll(descriptor, bytes)
            }
            if closing {
                // Entries queued after the flag was read are refused by `record`; nothing is left.
                break
            }
            // Let the next batch gather: a request only wakes the writer when the queue was empty, and
            // under load a wake-up per request (a futex call and a context switch on the request's
            // thread) cost more than the writing. Lines reach the file at most this much later.
            if !batch.isEmpty { usleep(Self.gatherMicroseconds) }
        }
        if path != "-" { Glibc.close(descriptor) }
        finished.signal()
    }

    private static func open(_ path: String) throws -> Int32 {
        if path == "-" { return STDOUT_FILENO }
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw AccessLogError("cannot open the access log \(path): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    private static func writeAll(_ descriptor: Int32, _ all: [UInt8]) {
        var bytes = all[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}

public struct AccessLogError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
