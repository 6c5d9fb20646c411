import Foundation

/// Fires the SQLite store's call timeouts (`store.timeout`) from one thread. A task and a timer per
/// call cost three of each per forward, and measurably so (A/B in one script, two rounds, every
/// plugin on: 4.76k/4.84k → 5.26k/5.08k forwards/s, 293/290 → 253/257 µs of CPU per forward); here a
/// call registers its deadline and withdraws it when answered — a lock and a dictionary entry — and
/// the thread sleeps until the earliest deadline.
final class StoreDeadlines: @unchecked Sendable {
    private struct Entry {
        let deadline: ContinuousClock.Instant
        let fire: @Sendable () -> Void
    }

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var entries: [UInt64: Entry] = [:]
    private var nextID: UInt64 = 0
    private var idle = false
    private var stopped = false

    init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Calls `fire` on the deadlines' thread after `delay`, unless `cancel` comes first.
    func add(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        nextID += 1
        entries[nextID] = Entry(deadline: .now + delay, fire: fire)
        // Every call waits the same `store.timeout`, so a new deadline is never earlier than the one
        // the thread sleeps towards: only an idle thread needs waking.
        if idle { condition.signal() }
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
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18))
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
