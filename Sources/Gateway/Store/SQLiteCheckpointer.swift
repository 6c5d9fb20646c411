// Why this file exists: a WAL checkpoint copies the log's pages into the database file and syncs both,
// which takes milliseconds. SQLite runs it inside the commit that crosses `wal_autocheckpoint`, i.e. on
// the store's one thread, so every transaction queued behind it waited: that was the tail of the
// forward latency (p99 12 ms, 7 ms since; bench/RESULTS.md). Here a second connection checkpoints on a
// thread of its own, concurrently with the store's commits, which SQLite's WAL mode allows.

import CSQLite
import Foundation

/// Runs passive checkpoints of one database file on its own thread and connection, on request.
final class SQLiteCheckpointer: @unchecked Sendable {
    /// Frames (pages) appended to the WAL between background checkpoints: SQLite's default
    /// `wal_autocheckpoint`.
    static let backgroundFrames: Int32 = 1000
    /// The WAL size (32 MiB of 4 KiB pages) past which the store's thread checkpoints itself.
    static let inlineFrames: Int32 = 8192

    // `db` is used only by the thread; the flags are guarded by `condition`.
    private let db: OpaquePointer
    private let condition = NSCondition()
    private var requested = false
    private var stopping = false
    private var stopped = false

    /// Opens a second connection to `path` (an existing WAL database) and starts the thread.
    init(path: String) throws {
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let handle else {
            let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(handle)
            throw StoreError("cannot open the state file \(path) for checkpoints: \(reason)")
        }
        db = handle
        // The same durability as the store's connection: the WAL is synced before its pages are copied,
        // the database file after.
        sqlite3_exec(handle, "PRAGMA synchronous = NORMAL", nil, nil, nil)
        NamedThread.start("sqlite-ckpt") { [self] in run() }
    }

    /// Asks for a checkpoint; requests made while one runs are served by one more run.
    func request() {
        condition.lock()
        requested = true
        condition.signal()
        condition.unlock()
    }

    /// Lets a running checkpoint finish, then closes the connection. Returns once it is closed, so the
    /// store's own connection can be the last one and remove the WAL file as it closes.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while !requested && !stopping { condition.wait() }
            let stop = stopping
            requested = false
            condition.unlock()
            if stop { break }
            // PASSIVE never waits for the store's writes; a failure (disk full) is retried at the next
            // request, and the store's thread checkpoints itself if the WAL keeps growing.
            var logFrames: Int32 = 0
            var copied: Int32 = 0
            _ = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copied)
        }
        sqlite3_close_v2(db)
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
