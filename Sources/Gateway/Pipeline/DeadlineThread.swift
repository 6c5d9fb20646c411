import Foundation

/// Fires many short-lived deadlines from one thread: the SQLite store's call timeouts
/// (`store.timeout`) and the requests' `server.request_timeout`. A Swift task and a timer per deadline
/// cost measurably (A/B in one script, two rounds, every plugin on: 4.76k/4.84k → 5.26k/5.08k
/// forwards/s, 293/290 → 253/257 µs of CPU per forward for the store's three per forward); and a NIO
/// scheduled task armed and cancelled from outside its event loop wakes that loop twice. Here a
/// deadline is registered and withdrawn under a lock — a dictionary entry — and the thread sleeps
/// until the earliest one.
final class DeadlineThread: @unchecked Sendable {
    private struct Entry {
        let deadline: ContinuousClock.Instant
        let fire: @Sendable () -> Void
    }

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var entries: [UInt64: Entry] = [:]
    private var nextID: UInt64 = 0
    /// The deadline the thread sleeps towards; nil when it sleeps with nothing to wait for.
    private var sleepingUntil: ContinuousClock.Instant?
    private var idle = false
    private var stopped = false

    init(name: String) {
        NamedThread.start(name) { [self] in run() }
    }

    /// Calls `fire` on the deadlines' thread after `delay`, unless `cancel` comes first.
    func add(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        nextID += 1
        let deadline = ContinuousClock.Instant.now + delay
        entries[nextID] = Entry(deadline: deadline, fire: fire)
        // Deadlines mostly share one timeout, so a new one is rarely earlier than the one the thread
        // sleeps towards (a reload can shorten it): wake the thread only then, or when it is idle.
        if idle || sleepingUntil.map({ deadline < $0 }) ?? false { condition.signal() }
        return nextID
    }

    func cancel(_ id: UInt64) {
        condition.lock()
        entries[id] = nil
        condition.unlock()
    }

    /// Ends the thread; pending deadlines never fire.
    func stop() {
        condition.lock()
        stopped = true
        entries = [:]
        condition.signal()
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while !stopped {
            guard let earliest = entries.values.map(\.deadline).min() else {
                idle = true
                condition.wait()
                idle = false
                continue
            }
            let now = ContinuousClock.Instant.now
            guard earliest <= now else {
                let (seconds, attoseconds) = (earliest - now).components
                sleepingUntil = earliest
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18))
                sleepingUntil = nil
                continue
            }
            let due = entries.filter { $0.value.deadline <= now }
            for id in due.keys { entries[id] = nil }
            condition.unlock()
            for entry in due.values { entry.fire() }
            condition.lock()
        }
        condition.unlock()
    }
}
