import NIOCore

/// Runs a Swift task's jobs on one SwiftNIO event loop: the plugin chain of a request runs on its
/// connection's loop, so a request that never leaves the process (a replay, a refusal) costs no
/// thread hand-off at all, and one that does (the store, the upstream) comes back to the loop that
/// writes its answer. Swift's global pool in between cost about a third of a request's CPU in
/// context switches (perf, replay path). The NIO release in use has no task executor of its own.
///
/// `startInline` lets a task's first job run at once, in place, instead of waiting its turn in the
/// loop's queue. Not `Task.immediate`: a task started that way does not count as running on this
/// executor, so its first call of a nonisolated async function queued a job here anyway.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop
    /// Set only on the loop, for the span of `startInline`.
    private let inline: NIOLoopBoundBox<Bool>

    init(loop: any EventLoop) {
        self.loop = loop
        inline = NIOLoopBoundBox(false, eventLoop: loop)
    }

    /// Runs `start`, on the loop; the first job it enqueues here runs before `start` returns.
    func startInline(_ start: () -> Void) {
        inline.value = true
        start()
        inline.value = false
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        if loop.inEventLoop, inline.value {
            inline.value = false
            job.runSynchronously(on: executor)
            return
        }
        loop.execute { job.runSynchronously(on: executor) }
    }
}
