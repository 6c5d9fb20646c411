import NIOCore
import NIOPosix
import NIOConcurrencyHelpers

/// Runs work with a deadline without cancelling it: when `server.request_timeout` fires the client
/// gets its answer, but a forward already sent runs on so that its outcome is still recorded.
/// The timer is a NIO scheduled task (a heap entry on an event loop), not a sleeping Swift task: one
/// per request, so it has to be cheap.
enum RequestDeadline {
    static func run<T: Sendable>(
        timeout: Duration, work: @escaping @Sendable () async -> T, onTimeout: @escaping @Sendable () -> T
    ) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let once = ResumeOnce(continuation)
            let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(timeout)) {
                once.resume(onTimeout())
            }
            Task {
                let value = await work()
                timer.cancel()
                once.resume(value)
            }
        }
    }
}

private final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation: NIOLockedValueBox<CheckedContinuation<T, Never>?>

    init(_ continuation: CheckedContinuation<T, Never>) {
        self.continuation = NIOLockedValueBox(continuation)
    }

    func resume(_ value: T) {
        let pending = continuation.withLockedValue { state -> CheckedContinuation<T, Never>? in
            defer { state = nil }
            return state
        }
        pending?.resume(returning: value)
    }
}
