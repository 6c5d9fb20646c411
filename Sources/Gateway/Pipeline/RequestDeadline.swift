import NIOConcurrencyHelpers

/// Runs work with a deadline without cancelling it: when `server.request_timeout` fires the client
/// gets its answer, but a forward already sent runs on so that its outcome is still recorded.
/// One per request, so the timer is an entry on the process's deadline thread, not a task or an
/// event-loop timer armed and cancelled from another thread (two loop wake-ups per request).
enum RequestDeadline {
    private static let timers = DeadlineThread(name: "request-deadlines")

    static func run<T: Sendable>(
        timeout: Duration, work: @escaping @Sendable () async -> T, onTimeout: @escaping @Sendable () -> T
    ) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let once = ResumeOnce(continuation)
            let timer = timers.add(after: timeout) {
                once.resume(onTimeout)
            }
            Task {
                let value = await work()
                timers.cancel(timer)
                once.resume { value }
            }
        }
    }
}

private final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation: NIOLockedValueBox<CheckedContinuation<T, Never>?>

    init(_ continuation: CheckedContinuation<T, Never>) {
        self.continuation = NIOLockedValueBox(continuation)
    }

    /// Resumes with `value()` if nobody resumed first; `value` is not evaluated otherwise.
    func resume(_ value: () -> T) {
        let pending = continuation.withLockedValue { state -> CheckedContinuation<T, Never>? in
            defer { state = nil }
            return state
        }
        pending?.resume(returning: value())
    }
}
