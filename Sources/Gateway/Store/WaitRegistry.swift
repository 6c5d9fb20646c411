import NIOConcurrencyHelpers

/// Duplicates waiting in this process for an in-flight resend: woken the moment its outcome is recorded
/// (no busy polling), bounded per identity by `max_waiters`.
public final class WaitRegistry: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var waiters: [String: [Waiter]] = [:]
        /// Reserved places per identity, counted from reservation so the bound is exact.
        var counts: [String: Int] = [:]
        var nextID: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Waits until `wake(identity)` or the timeout; false when `maxWaiters` already wait.
    func wait(for identity: String, timeout: Duration, maxWaiters: Int) async -> Bool {
        let id: UInt64? = state.withLockedValue { state in
            guard state.counts[identity, default: 0] < maxWaiters else { return nil }
            state.counts[identity, default: 0] += 1
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return false }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            state.withLockedValue { $0.waiters[identity, default: []].append(Waiter(id: id, continuation: continuation)) }
            Task {
                try? await Task.sleep(for: timeout)
                self.resume(identity, only: id)
            }
        }
        return true
    }

    /// Wakes everyone waiting on `identity`.
    func wake(_ identity: String) {
        let woken = state.withLockedValue { state in
            let woken = state.waiters.removeValue(forKey: identity) ?? []
            state.counts[identity, default: 0] -= woken.count
            if state.counts[identity, default: 0] <= 0 { state.counts[identity] = nil }
            return woken
        }
        for waiter in woken { waiter.continuation.resume() }
    }

    private func resume(_ identity: String, only id: UInt64) {
        let waiter: Waiter? = state.withLockedValue { state in
            guard let index = state.waiters[identity]?.firstIndex(where: { $0.id == id }) else { return nil }
            let waiter = state.waiters[identity]?.remove(at: index)
            if state.waiters[identity]?.isEmpty == true { state.waiters[identity] = nil }
            state.counts[identity, default: 0] -= 1
            if state.counts[identity, default: 0] <= 0 { state.counts[identity] = nil }
            return waiter
        }
        waiter?.continuation.resume()
    }
}
