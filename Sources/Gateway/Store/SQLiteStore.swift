// Why this file exists: the `sqlite` state store (SPEC §6) — claims and outcomes that survive restarts
// and kill -9 for a single gateway instance. It owns the scheduling: one dedicated thread runs every
// transaction and the background purge (SQLite calls block, so they never run on Swift's cooperative
// pool or a NIO event loop), callers wait on continuations bounded by `store.timeout`, and a file lock
// keeps a second gateway off the same file. The SQL lives in SQLiteConnection.swift.

import Foundation
import NIOConcurrencyHelpers

/// A `StateStore` in one SQLite file, for a single gateway instance.
///
/// Every transaction runs on the store's own serial thread, so transactions never interleave; those
/// queued together share one `BEGIN IMMEDIATE … COMMIT` (each in its own SAVEPOINT), and each one's
/// writes land together or not at all. A caller hears back only after the commit; a step that only
/// reads committed keys may be answered from memory (`transactMostlyReading`, `SQLiteMirror`).
public final class SQLiteStore: StateStore {
    /// The database file.
    public let path: String
    private let timeout: Duration
    private let worker: SQLiteWorker
    private let deadlines = DeadlineThread(name: "sqlite-timeouts")
    private let mirror = SQLiteMirror()
    private let clock: @Sendable () -> Double

    /// Opens (or creates) the store at `path`.
    ///
    /// - Parameters:
    ///   - path: the database file; its directory is created when missing. `path + ".lock"` is locked
    ///     for the store's lifetime so that a second gateway on the same file fails here.
    ///   - timeout: how long a caller waits for its transaction (queueing included) before getting
    ///     `StoreError("store timed out")`.
    ///   - clock: the store's clock, seconds since 1970; read once at the start of each transaction.
    /// - Throws: `StoreError` when the directory cannot be created, the file is locked by another
    ///   gateway, is not a (gateway) SQLite database, or was written by a newer gateway.
    public convenience init(
        path: String,
        timeout: Duration,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) throws {
        try self.init(path: path, timeout: timeout, clock: clock, purgeInterval: .seconds(60))
    }

    /// The full initializer; tests shorten `purgeInterval` and `purgeBatch`.
    init(
        path: String,
        timeout: Duration,
        clock: @escaping @Sendable () -> Double,
        purgeInterval: Duration,
        purgeBatch: Int = 1000
    ) throws {
        self.path = path
        self.timeout = timeout
        self.clock = clock
        try Self.createDirectory(URL(fileURLWithPath: path).deletingLastPathComponent().path, for: path)
        let lock = try StoreFileLock(path: path + ".lock", databasePath: path)
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path)
        } catch {
            lock.release()
            throw error
        }
        let checkpointer: SQLiteCheckpointer
        do {
            checkpointer = try SQLiteCheckpointer(path: path)
        } catch {
            connection.close()
            lock.release()
            throw error
        }
        worker = SQLiteWorker(
            connection: connection, checkpointer: checkpointer, mirror: mirror, lock: lock, clock: clock,
            purgeInterval: max(purgeInterval.seconds, 0.001), purgeBatch: max(purgeBatch, 1))
        NamedThread.start("sqlite-store") { [worker] in worker.run() }
    }

    deinit {
        // Not closed: let the thread finish the queue and release the file in the background.
        mirror.close()
        worker.close(notifying: nil)
        deadlines.stop()
    }

    public func transact<T: Sendable>(
        _ body: @escaping @Sendable (inout any KVTransaction, Double) throws -> T
    ) async throws -> T {
        try await submit(body)
    }

    /// A step that only reads keys the mirror holds needs no trip to the store's thread; one that writes
    /// is answered after its commit, like `transact`.
    public func transactMostlyReading<T: Sendable>(
        _ body: @escaping @Sendable (inout any KVTransaction, Double) throws -> T
    ) async throws -> T {
        if let result = mirror.readOnly(now: clock(), body) { return result }
        return try await submit(body)
    }

    private func submit<T: Sendable>(_ body: @escaping @Sendable (inout any KVTransaction, Double) throws -> T) async throws -> T {
        let (worker, deadlines) = (self.worker, self.deadlines)
        let timeout = self.timeout
        // Caller cancellation is deliberately ignored: a claim's transaction must not be torn off half
        // way through a request. `timeout` bounds the wait instead.
        return try await withCheckedThrowingContinuation { continuation in
            let call = PendingStoreCall(continuation, deadlines: deadlines)
            let accepted = worker.submit(
                SQLiteWorker.Job(
                    run: { connection, clock in
                        guard call.start() else { return }  // timed out while queued: never run it
                        call.stage(Result { try connection.step(now: clock(), body) })
                    },
                    deliver: { call.deliver(commitFailure: $0) }))
            guard accepted else {
                call.finish(.failure(StoreError("the sqlite store \(path) is closed")))
                return
            }
            call.armTimeout(after: timeout)
        }
    }

    /// One tiny write transaction: the file is open, writable and the queue is moving.
    public func probe() async throws {
        try await transact { transaction, now in
            try transaction.put("__probe", KVRecord(value: [], expiresAt: now + 60))
        }
    }

    /// Stops the purge, runs what is already queued, closes the database and releases the lock.
    /// Later calls to `transact` fail; calling `close()` again just waits for the same end.
    public func close() async {
        mirror.close()
        await withCheckedContinuation { continuation in
            worker.close(notifying: continuation)
        }
        deadlines.stop()
    }

    /// `mkdir -p`, with errors that name the component at fault (FileManager's say "error 512").
    private static func createDirectory(_ directory: String, for path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue {
            return
        }
        var prefix = ""
        for component in directory.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) == 0 { continue }
            let code = errno
            var reason = StoreFileLock.describe(code)
            if code == EEXIST {
                if FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory), isDirectory.boolValue {
                    continue
                }
                reason = "it exists and is not a directory"
            }
            throw StoreError("cannot create the directory \(directory) for the state file \(path): \(prefix): \(reason)")
        }
    }
}

/// The store's thread and its queue. The queue and the closing state are guarded by `condition`; the
/// connection and the open group's bookkeeping are touched only by `run()`, i.e. only by the store's
/// thread.
private final class SQLiteWorker: @unchecked Sendable {
    /// One caller's transaction: `run` inside the group's transaction, `deliver` after its commit
    /// (with the commit's failure, if any).
    struct Job: Sendable {
        let run: @Sendable (SQLiteConnection, @Sendable () -> Double) -> Void
        let deliver: @Sendable ((any Error)?) -> Void
    }

    private let connection: SQLiteConnection
    private let checkpointer: SQLiteCheckpointer
    private let mirror: SQLiteMirror
    private let lock: StoreFileLock
    private let clock: @Sendable () -> Double
    private let purgeInterval: Double
    private let purgeBatch: Int

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var closing = false
    private var finished = false
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []

    init(connection: SQLiteConnection, checkpointer: SQLiteCheckpointer, mirror: SQLiteMirror, lock: StoreFileLock,
         clock: @escaping @Sendable () -> Double, purgeInterval: Double, purgeBatch: Int) {
        self.connection = connection
        self.checkpointer = checkpointer
        self.mirror = mirror
        self.lock = lock
        self.clock = clock
        self.purgeInterval = purgeInterval
        self.purgeBatch = purgeBatch
    }

    /// Queues `job`; false once the store is closing.
    func submit(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closing else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    func close(notifying waiter: CheckedContinuation<Void, Never>?) {
        condition.lock()
        if finished {
            condition.unlock()
            waiter?.resume()
            return
        }
        closing = true
        if let waiter { closeWaiters.append(waiter) }
        condition.signal()
        condition.unlock()
    }

    /// The thread's body: run queued transactions in order; when idle and due, purge expired records
    /// in batches (queued transactions go first between batches); on close, drain the queue and stop.
    /// The jobs queued together run as one group and hear back after its COMMIT.
    func run() {
        var nextPurge = Date(timeIntervalSinceNow: purgeInterval)
        // The purge sweeps the table in key order, `purgeBatch` records per step, from here.
        var purgeCursor = ""
        var batch: [Job] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !closing && Date() < nextPurge {
                _ = condition.wait(until: nextPurge)
            }
            swap(&batch, &jobs)
            let stop = closing && batch.isEmpty
            condition.unlock()

            if !batch.isEmpty {
                runBatch(batch)
                batch.removeAll(keepingCapacity: true)
                continue
            }
            if stop { break }
            // A failed purge (disk full, busy outside tool) is retried at the next interval; expired
            // records stay invisible to `get` meanwhile.
            do {
                let next = try connection.purgeExpired(before: clock(), after: purgeCursor, limit: purgeBatch)
                checkpointIfDue()
                if let next {
                    purgeCursor = next
                    continue
                }
            } catch {}
            purgeCursor = ""
            nextPurge = Date(timeIntervalSinceNow: purgeInterval)
        }
        checkpointer.stop()
        // The last connection to close checkpoints the WAL and removes it.
        connection.close()
        lock.release()

        condition.lock()
        finished = true
        let waiters = closeWaiters
        closeWaiters = []
        condition.unlock()
        for waiter in waiters {
            waiter.resume()
        }
    }

    /// Runs `batch` as one group and commits it.
    private func runBatch(_ batch: [Job]) {
        let (connection, clock) = (self.connection, self.clock)
        do {
            try connection.beginGroup()
        } catch {
            for job in batch { job.deliver(error) }
            return
        }
        for job in batch { job.run(connection, clock) }
        commit(delivering: batch)
    }

    /// Commits the open group, tells the mirror, then the group's jobs.
    private func commit(delivering jobs: [Job]) {
        var failure: (any Error)?
        do {
            try connection.commitGroup()
            // Before anyone hears back, so no caller can then read older state from memory.
            mirror.apply(connection.groupTouched)
        } catch {
            failure = error
            mirror.forget(connection.groupTouched.keys)
        }
        for job in jobs { job.deliver(failure) }
        checkpointIfDue()
    }

    /// The WAL's size when the last background checkpoint was asked for.
    private var checkpointRequestedAt: Int32 = 0

    /// After each commit: the checkpointer's thread copies the WAL into the database file every
    /// `backgroundFrames` new frames. Under steady writes those checkpoints never catch up with the
    /// last commit, and only one that does lets the WAL file start over, so past `inlineFrames` the
    /// store's thread checkpoints itself; close to that point the checkpointer runs after every commit,
    /// so that the inline one finds next to nothing left to copy.
    private func checkpointIfDue() {
        let frames = connection.walFrames
        // Smaller than at the last request: the WAL started over.
        if frames < checkpointRequestedAt { checkpointRequestedAt = 0 }
        if frames >= SQLiteCheckpointer.inlineFrames {
            connection.checkpoint()
        } else if frames - checkpointRequestedAt >= SQLiteCheckpointer.backgroundFrames
            || frames >= SQLiteCheckpointer.inlineFrames - 2 * SQLiteCheckpointer.backgroundFrames
        {
            checkpointRequestedAt = frames
            checkpointer.request()
        }
    }
}

/// One caller waiting for its transaction: resumed exactly once, by the result or by the timeout.
private final class PendingStoreCall<T: Sendable>: Sendable {
    private enum Phase {
        case queued, running, abandoned
    }

    private struct State {
        var phase = Phase.queued
        var continuation: CheckedContinuation<T, any Error>?
        var deadline: UInt64?
        /// The step's result, held until its group commits.
        var staged: Result<T, any Error>?
    }

    private let state: NIOLockedValueBox<State>
    private let deadlines: DeadlineThread

    init(_ continuation: CheckedContinuation<T, any Error>, deadlines: DeadlineThread) {
        state = NIOLockedValueBox(State(continuation: continuation))
        self.deadlines = deadlines
    }

    /// On the store's thread, before the transaction begins: false if the caller already gave up.
    func start() -> Bool {
        state.withLockedValue { state in
            guard state.phase == .queued else { return false }
            state.phase = .running
            return true
        }
    }

    /// On the store's thread, inside the group: the step's own result.
    func stage(_ result: Result<T, any Error>) {
        state.withLockedValue { $0.staged = result }
    }

    /// After the group: the group's failure (BEGIN or COMMIT failed, so nothing landed — also for a step
    /// that never got to run), else the staged result. `finish` ignores a caller that already gave up.
    func deliver(commitFailure: (any Error)?) {
        if let commitFailure {
            finish(.failure(commitFailure as? StoreError ?? StoreError("\(commitFailure)")))
        } else if let staged = state.withLockedValue({ $0.staged }) {
            finish(staged)
        }
    }

    /// Delivers the outcome unless the caller already got a timeout.
    func finish(_ result: Result<T, any Error>) {
        let (continuation, deadline) = state.withLockedValue { state in
            defer {
                state.continuation = nil
                state.deadline = nil
            }
            return (state.continuation, state.deadline)
        }
        if let deadline { deadlines.cancel(deadline) }
        continuation?.resume(with: result)
    }

    func armTimeout(after timeout: Duration) {
        let deadline = deadlines.add(after: timeout) { [self] in timedOut() }
        let alreadyDone = state.withLockedValue { state in
            guard state.continuation != nil else { return true }
            state.deadline = deadline
            return false
        }
        if alreadyDone { deadlines.cancel(deadline) }
    }

    /// The caller stops waiting. A queued transaction will be skipped; a running one still commits or
    /// rolls back on the store's thread, its result discarded.
    private func timedOut() {
        let continuation = state.withLockedValue { state in
            if state.phase == .queued { state.phase = .abandoned }
            defer {
                state.continuation = nil
                state.deadline = nil
            }
            return state.continuation
        }
        continuation?.resume(throwing: StoreError("store timed out"))
    }
}
