import Logging
import NIOCore
import NIOConcurrencyHelpers

/// Wakes this instance's waiters when any instance records an outcome: one subscribed connection per
/// process, reopened with backoff when it drops. A message lost while it is down costs a waiter at most
/// one poll interval (`IdempotencyPlugin` re-asks the store every 250 ms), never a wrong answer.
final class RedisOutcomeListener: Sendable {
    private let url: RedisURL
    private let name: String
    private let timeout: Duration
    private let group: any EventLoopGroup
    private let waits: WaitRegistry
    private let logger: Logger
    private let connection = NIOLockedValueBox<(any Channel)?>(nil)
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(url: RedisURL, channel: String, timeout: Duration, group: any EventLoopGroup, waits: WaitRegistry, logger: Logger) {
        self.url = url
        name = channel
        self.timeout = timeout
        self.group = group
        self.waits = waits
        self.logger = logger
        task.withLockedValue { $0 = Task { await self.listen() } }
    }

    func stop() async {
        let task = task.withLockedValue { $0 }
        task?.cancel()
        try? await connection.withLockedValue { $0 }?.close()
        await task?.value
    }

    private func listen() async {
        let waits = self.waits
        var failures = 0
        while !Task.isCancelled {
            do {
                let channel = try await RedisConnection.open(url, group: group, timeout: timeout) { message in
                    // ["message", channel, identity]
                    guard case .array(let items?) = message, items.count == 3, items[0].string == "message", let identity = items[2].string else { return }
                    waits.wake(identity)
                }
                connection.withLockedValue { $0 = channel }
                if Task.isCancelled { try? await channel.close() }
                let reply = try await RedisConnection.send([Array("SUBSCRIBE".utf8), Array(name.utf8)], on: channel, deadline: .now() + TimeAmount(timeout)).get()
                if case .error(let message) = reply { throw StoreError("redis refused SUBSCRIBE: \(message)") }
                if failures > 0 { logger.info("redis outcome notifications resumed") }
                failures = 0
                try? await channel.closeFuture.get()
            } catch {
                if failures == 0 { logger.warning("redis outcome notifications unavailable, waiters fall back to polling: \(error)") }
                failures += 1
            }
            let backoff = min(2_000, 100 << min(failures, 5))
            try? await Task.sleep(for: .milliseconds(backoff))
        }
    }
}
