import NIOCore
import NIOConcurrencyHelpers

/// A Lua script and its SHA-1, so that it is sent in full only when Redis does not know it yet.
struct RedisScript: Sendable {
    let source: String
    let sha1: String

    init(_ source: String) {
        self.source = source
        sha1 = Digest.sha1Hex(source)
    }
}

/// A small pool of pipelined connections to one Redis. Connections open on first use and reopen after
/// a failure; while Redis refuses or drops connections, attempts back off (100 ms doubling to 2 s) and
/// calls in between fail at once, so `store.on_error` applies without every request waiting out a
/// timeout. A Redis that accepts but stops answering costs each call its `store.timeout`.
///
/// Written on SwiftNIO rather than by wrapping Debian's hiredis: the gateway already runs NIO event
/// loops, so commands are pipelined on them with no thread per connection and no hop per call (the cost
/// that dominates the sqlite backend); the RESP subset it needs is small, bounded and fuzzed.
final class RedisClient: Sendable {
    private enum Slot {
        case idle
        case opening(EventLoopFuture<any Channel>)
        case open(any Channel)
    }

    private struct State {
        var slots: [Slot]
        var next = 0
        var failures = 0
        var retryAt: NIODeadline?
        var lastError = ""
        var closed = false
    }

    let url: RedisURL
    let timeout: Duration
    private let group: any EventLoopGroup
    private let state: NIOLockedValueBox<State>

    init(url: RedisURL, timeout: Duration, group: any EventLoopGroup, connections: Int = 4) {
        self.url = url
        self.timeout = timeout
        self.group = group
        state = NIOLockedValueBox(State(slots: Array(repeating: .idle, count: max(1, connections))))
    }

    /// Sends one command. An error reply is returned, not thrown (callers decide what it means); a
    /// connection that fails, or no answer within `store.timeout`, throws `StoreError`.
    func send(_ arguments: [[UInt8]]) async throws -> RESPValue {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let channel = try await connection()
        return try await RedisConnection.send(arguments, on: channel, deadline: deadline).get()
    }

    func send(_ arguments: [String]) async throws -> RESPValue {
        try await send(arguments.map { Array($0.utf8) })
    }

    /// EVALSHA, and EVAL once when Redis answers NOSCRIPT (restarted, flushed, or a new script).
    func run(_ script: RedisScript, keys: [String], arguments: [[UInt8]]) async throws -> RESPValue {
        var command = [Array("EVALSHA".utf8), Array(script.sha1.utf8), Array(String(keys.count).utf8)]
        command += keys.map { Array($0.utf8) } + arguments
        var reply = try await send(command)
        if case .error(let message) = reply, message.hasPrefix("NOSCRIPT") {
            command[0] = Array("EVAL".utf8)
            command[1] = Array(script.source.utf8)
            reply = try await send(command)
        }
        if case .error(let message) = reply { throw StoreError("redis refused a store step: \(message)") }
        return reply
    }

    func close() async {
        let channels: [any Channel] = state.withLockedValue { state in
            state.closed = true
            defer { state.slots = state.slots.map { _ in .idle } }
            return state.slots.compactMap { slot in
                if case .open(let channel) = slot { return channel }
                return nil
            }
        }
        for channel in channels { try? await channel.close() }
    }

    private enum Step {
        case use(any Channel)
        case wait(EventLoopFuture<any Channel>)
        case open(Int, EventLoopPromise<any Channel>)
        case fail(StoreError)
    }

    private func connection() async throws -> any Channel {
        let step: Step = state.withLockedValue { state in
            guard !state.closed else { return .fail(StoreError("the store is closed")) }
            let index = state.next % state.slots.count
            state.next &+= 1
            switch state.slots[index] {
            case .open(let channel) where channel.isActive:
                return .use(channel)
            case .opening(let future):
                return .wait(future)
            case .open, .idle:
                if let retryAt = state.retryAt, retryAt > .now() {
                    return .fail(StoreError("redis unreachable (\(state.lastError)); retrying shortly"))
                }
                let promise = group.next().makePromise(of: (any Channel).self)
                state.slots[index] = .opening(promise.futureResult)
                return .open(index, promise)
            }
        }
        switch step {
        case .use(let channel): return channel
        case .wait(let future): return try await future.get()
        case .fail(let error): throw error
        case .open(let index, let promise):
            do {
                let channel = try await RedisConnection.open(url, group: group, timeout: timeout)
                opened(channel, at: index)
                promise.succeed(channel)
                return channel
            } catch {
                let failure = error as? StoreError ?? StoreError("\(error)")
                failed(failure, at: index)
                promise.fail(failure)
                throw failure
            }
        }
    }

    private func opened(_ channel: any Channel, at index: Int) {
        let closed = state.withLockedValue { state in
            state.failures = 0
            state.retryAt = nil
            state.slots[index] = state.closed ? .idle : .open(channel)
            return state.closed
        }
        if closed {
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.state.withLockedValue { state in
                if case .open(let current) = state.slots[index], current === channel { state.slots[index] = .idle }
            }
        }
    }

    private func failed(_ error: StoreError, at index: Int) {
        state.withLockedValue { state in
            state.failures += 1
            let backoff = min(2_000, 100 << min(state.failures - 1, 5))
            state.retryAt = .now() + .milliseconds(Int64(backoff))
            state.lastError = error.description
            state.slots[index] = .idle
        }
    }
}
