import NIOCore

/// Runs a Swift task's jobs on one SwiftNIO event loop: the plugin chain of a request runs on its
/// connection's loop, so a request that never leaves the process (a replay, a refusal) costs no
/// thread hand-off at all, and one that does (the store, the upstream) comes back to the loop that
/// writes its answer. Swift's global pool in between cost about a third of a request's CPU in
/// context switches (perf, replay path). The NIO release in use has no task executor of its own.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}
