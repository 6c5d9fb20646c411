// Why this file exists: everything that talks to the sqlite3 C API for the `sqlite` store lives here —
// opening and configuring the connection, the versioned schema and its migrations, the cached prepared
// statements, and the `KVTransaction` handed to `StateStore.transact` bodies. `SQLiteStore` only
// decides *when* (one serial thread, timeouts, purge schedule); this file decides *how*.

import CSQLite

/// One sqlite3 connection and its prepared statements.
///
/// Not thread-safe: it is opened by `SQLiteStore.init` and from then on used only by the store's worker
/// thread (the thread start orders the two). `@unchecked Sendable` only to make that single hand-over.
final class SQLiteConnection: @unchecked Sendable {
    /// The schema this code writes and reads. Bump it and append to `migrations` to change the schema.
    static let schemaVersion: Int32 = 2
    /// `PRAGMA application_id` of gateway state files ("RGWS"), so a foreign database is never adopted.
    static let applicationID: Int32 = 0x5247_5753

    /// `migrations[i]` takes a file from version `i` to `i + 1`; each runs in its own transaction.
    static let migrations: [String] = [
        // 0 → 1
        """
        CREATE TABLE kv (
            key TEXT PRIMARY KEY,
            value BLOB NOT NULL,
            expires_at REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX kv_expires_at ON kv (expires_at);
        PRAGMA application_id = \(applicationID);
        """,
        // 1 → 2: keys laid out by `SQLiteKeyLayout`; no index on expires_at (the purge sweeps the
        // table in key order instead), since every write paid for it with pages of its own.
        """
        CREATE TABLE kv_v2 (
            key TEXT PRIMARY KEY,
            value BLOB NOT NULL,
            expires_at REAL NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO kv_v2 (key, value, expires_at) SELECT gateway_storage_key(key), value, expires_at FROM kv;
        DROP TABLE kv;
        ALTER TABLE kv_v2 RENAME TO kv;
        """,
    ]

    let path: String
    private var db: OpaquePointer?
    /// Set when a failed step could not be rolled back to its savepoint: its group must not commit.
    private var groupBroken: StoreError?
    /// Each key as the group's successful steps last read or left it (`nil`: no live record):
    /// the store's mirror learns it once the group commits.
    private(set) var groupTouched: [StoreKey: KVRecord?] = [:]
    /// Every statement prepared on `db`, finalized by `close()`.
    private var statements: [Statement] = []
    /// The cached statements of the hot path; nil until prepared and after `close()`.
    private var prepared: Prepared?

    private struct Prepared {
        var begin, commit, rollback, savepoint, release, rollbackToSavepoint, select, upsert, remove, purgeChunkEnd, purge: Statement
    }

    /// Opens (creating if needed) the database at `path`, switches it to WAL, migrates the schema and
    /// prepares the statements. Throws a `StoreError` naming the file and the reason.
    init(path: String, busyTimeoutMilliseconds: Int32 = 100) throws {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(handle)
            throw StoreError("cannot open the state file \(path): \(reason)")
        }
        db = handle
        do {
            sqlite3_extended_result_codes(handle, 1)
            // Only outside tools (a `sqlite3` shell, a backup) can hold SQLite's locks: our flock keeps other
            // gateways out and this connection is the only one inside. Wait briefly rather than queue up.
            sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
            try configure()
            // Replaces SQLite's own hook, which would checkpoint inside the commit (`SQLiteCheckpointer`).
            sqlite3_wal_hook(handle, { connection, _, _, frames in
                if let connection { Unmanaged<SQLiteConnection>.fromOpaque(connection).takeUnretainedValue().walFrames = frames }
                return SQLITE_OK
            }, Unmanaged.passUnretained(self).toOpaque())
            try check(SQLiteKeyLayout.registerSQLFunction(on: handle), "registering gateway_storage_key")
            try migrate()
            try prepareStatements()
        } catch {
            close()
            throw error
        }
    }

    deinit {
        close()
    }

    /// Finalizes the statements and closes the connection (checkpointing the WAL). Idempotent.
    func close() {
        for statement in statements {
            sqlite3_finalize(statement.handle)
        }
        statements = []
        prepared = nil
        if let db {
            sqlite3_close_v2(db)
        }
        db = nil
    }

    // MARK: - Transactions

    /// Frames in the WAL file after the last commit on this connection (0 once it started over).
    private(set) var walFrames: Int32 = 0

    /// A passive checkpoint on this connection: copies what the WAL holds beyond the last checkpoint
    /// into the database file, syncing both. Once it has copied everything, the next commit starts the
    /// WAL file over. Failures (another checkpoint running, disk full) leave it for the next call.
    func checkpoint() {
        guard let db else { return }
        var logFrames: Int32 = 0
        var copied: Int32 = 0
        _ = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copied)
    }

    // Group commit: several callers' transactions in one `BEGIN IMMEDIATE … COMMIT`, each run by
    // `step(now:_:)` inside its own SAVEPOINT, so one that fails undoes only its own writes. The commit
    // is the expensive part of a small transaction (WAL append, locks); under load callers queue up and
    // share it.

    /// Opens a group. Throws when BEGIN fails; then no group is open.
    func beginGroup() throws {
        let sql = try statementsOrFail()
        groupBroken = nil
        groupTouched = [:]
        try run(sql.begin, "BEGIN IMMEDIATE")
    }

    /// Commits the open group. Throws when the commit fails: then nothing of any of its steps landed.
    func commitGroup() throws {
        let sql = try statementsOrFail()
        do {
            // A step whose writes could not be undone must not be committed with the others.
            if let groupBroken { throw groupBroken }
            try run(sql.commit, "COMMIT")
        } catch {
            rollbackQuietly()
            throw error
        }
    }

    /// One step of the open group: `body` inside a SAVEPOINT, rolled back to it when `body` throws or one of
    /// its reads or writes failed.
    func step<T>(now: Double, _ body: (inout any KVTransaction, Double) throws -> T) throws -> T {
        let sql = try statementsOrFail()
        // An I/O error or a full disk makes SQLite roll the whole group back; a SAVEPOINT now would
        // start a transaction of its own and commit this step alone.
        guard let db, sqlite3_get_autocommit(db) == 0 else { throw StoreError("the store transaction was rolled back by SQLite") }
        try run(sql.savepoint, "SAVEPOINT")
        let context = SQLiteTransactionContext(connection: self, now: now)
        var transaction: any KVTransaction = SQLiteKVTransaction(context: context)
        do {
            let result = try body(&transaction, now)
            context.isOpen = false
            if let failure = context.failure { throw failure }
            try run(sql.release, "RELEASE")
            groupTouched.merge(context.touched) { _, later in later }
            return result
        } catch {
            context.isOpen = false
            do {
                try run(sql.rollbackToSavepoint, "ROLLBACK TO")
                try run(sql.release, "RELEASE")
            } catch let undo as StoreError {
                groupBroken = undo
            } catch {
                groupBroken = StoreError("\(error)")
            }
            throw error
        }
    }

    private func rollbackQuietly() {
        // Some errors (disk full, I/O) make SQLite roll back by itself; then there is nothing left to undo.
        guard let db, let sql = prepared, sqlite3_get_autocommit(db) == 0 else { return }
        _ = try? run(sql.rollback, "ROLLBACK")
    }

    // MARK: - Records

    /// The live record under `key`: one whose `expires_at` is after `now`.
    func get(_ key: String, now: Double) throws -> KVRecord? {
        let statement = try statementsOrFail().select.handle
        defer { sqlite3_reset(statement) }
        try bind(SQLiteKeyLayout.storageKey(key), at: 1, in: statement)
        try check(sqlite3_bind_double(statement, 2, now), "bind")
        switch sqlite3_step(statement) {
        case SQLITE_ROW:
            // Read the blob before its length (SQLite's documented order).
            let bytes = sqlite3_column_blob(statement, 0)
            let count = Int(sqlite3_column_bytes(statement, 0))
            var value: [UInt8] = []
            if let bytes, count > 0 {
                value = Array(UnsafeRawBufferPointer(start: bytes, count: count))
            }
            return KVRecord(value: value, expiresAt: sqlite3_column_double(statement, 1))
        case SQLITE_DONE:
            return nil
        case let code:
            throw error(code, "reading \(describe(key))")
        }
    }

    func put(_ key: String, _ record: KVRecord) throws {
        guard !record.expiresAt.isNaN else {
            throw StoreError("cannot store \(describe(key)): its expiry is not a number")
        }
        let statement = try statementsOrFail().upsert.handle
        defer { sqlite3_reset(statement) }
        try bind(SQLiteKeyLayout.storageKey(key), at: 1, in: statement)
        let rc = record.value.withUnsafeBytes { raw -> Int32 in
            guard let base = raw.baseAddress, raw.count > 0 else {
                // An empty array may have no storage; a NULL pointer would bind SQL NULL, not an empty blob.
                return sqlite3_bind_zeroblob(statement, 2, 0)
            }
            guard raw.count <= Int(Int32.max) else { return SQLITE_TOOBIG }
            return sqlite3_bind_blob(statement, 2, base, Int32(raw.count), csqlite_transient())
        }
        try check(rc, "binding the value of \(describe(key))")
        try check(sqlite3_bind_double(statement, 3, record.expiresAt), "bind")
        try step(statement, "writing \(describe(key))")
    }

    func delete(_ key: String) throws {
        let statement = try statementsOrFail().remove.handle
        defer { sqlite3_reset(statement) }
        try bind(SQLiteKeyLayout.storageKey(key), at: 1, in: statement)
        try step(statement, "deleting \(describe(key))")
    }

    /// One step of the purge's sweep: looks at the next `limit` records in key order after `cursor`
    /// and deletes those that expired before `now` (one short autocommit transaction). Returns where
    /// the sweep goes on from, nil once it reached the end of the table.
    func purgeExpired(before now: Double, after cursor: String, limit: Int) throws -> String? {
        let sql = try statementsOrFail()
        let last: String
        do {
            let statement = sql.purgeChunkEnd.handle
            defer { sqlite3_reset(statement) }
            try bind(cursor, at: 1, in: statement)
            try check(sqlite3_bind_int64(statement, 2, Int64(limit)), "bind")
            let rc = sqlite3_step(statement)
            guard rc == SQLITE_ROW else { throw error(rc, "finding the purge's next records") }
            // max() over no rows is NULL: the sweep is past the last key.
            guard let text = sqlite3_column_text(statement, 0) else { return nil }
            last = String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, 0))), as: UTF8.self)
        }
        let statement = sql.purge.handle
        defer { sqlite3_reset(statement) }
        try bind(cursor, at: 1, in: statement)
        try bind(last, at: 2, in: statement)
        try check(sqlite3_bind_double(statement, 3, now), "bind")
        try step(statement, "purging expired records")
        return last
    }

    // MARK: - Opening

    private func configure() throws {
        // WAL: readers never block the writer, and a commit is one append to the -wal file.
        let mode = try scalarText("PRAGMA journal_mode = WAL")
        guard mode?.lowercased() == "wal" else {
            throw StoreError("cannot use the state file \(path): SQLite refused write-ahead logging (journal mode stays \(mode ?? "unknown")); put it on a local disk")
        }
        // synchronous=NORMAL in WAL mode fsyncs at checkpoints, not at every commit. A committed
        // transaction is in the -wal file (the OS page cache) when COMMIT returns, so it survives a crash
        // or kill -9 of the gateway; only a power loss or kernel crash can lose the last few commits,
        // and never corrupts the file. That is the durability the claims need, at a fraction of FULL's
        // cost (one fsync per request).
        try execute("PRAGMA synchronous = NORMAL")
    }

    private func migrate() throws {
        try execute("BEGIN IMMEDIATE")
        do {
            let version = try scalarInt("PRAGMA user_version")
            if version > Int64(Self.schemaVersion) {
                throw StoreError("the state file \(path) was created by a newer gateway (schema version \(version); this gateway knows up to \(Self.schemaVersion)); upgrade the gateway or use another file")
            }
            if version == 0 {
                let tables = try scalarInt("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
                if tables > 0 {
                    throw StoreError("\(path) is a SQLite database but not a gateway state file (it has tables and no gateway schema); point store.path at a new file")
                }
            } else if try scalarInt("PRAGMA application_id") != Int64(Self.applicationID) {
                throw StoreError("\(path) is a SQLite database but not a gateway state file (foreign application_id); point store.path at a new file")
            }
            var current = Int(version)
            while current < Int(Self.schemaVersion) {
                try execute(Self.migrations[current])
                current += 1
                try execute("PRAGMA user_version = \(current)")
            }
            try execute("COMMIT")
        } catch {
            if let db, sqlite3_get_autocommit(db) == 0 {
                _ = try? execute("ROLLBACK")
            }
            throw error
        }
    }

    private func prepareStatements() throws {
        prepared = Prepared(
            begin: try prepare("BEGIN IMMEDIATE"),
            commit: try prepare("COMMIT"),
            rollback: try prepare("ROLLBACK"),
            savepoint: try prepare("SAVEPOINT step"),
            release: try prepare("RELEASE step"),
            rollbackToSavepoint: try prepare("ROLLBACK TO step"),
            select: try prepare("SELECT value, expires_at FROM kv WHERE key = ?1 AND expires_at > ?2"),
            upsert: try prepare("""
                INSERT INTO kv (key, value, expires_at) VALUES (?1, ?2, ?3)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
                """),
            remove: try prepare("DELETE FROM kv WHERE key = ?1"),
            // Without an index on expires_at, the purge walks the table in key order, a chunk at a time.
            purgeChunkEnd: try prepare("SELECT max(key) FROM (SELECT key FROM kv WHERE key > ?1 ORDER BY key LIMIT ?2)"),
            purge: try prepare("DELETE FROM kv WHERE key > ?1 AND key <= ?2 AND expires_at < ?3")
        )
    }

    private func statementsOrFail() throws -> Prepared {
        guard let prepared else { throw StoreError("the sqlite store \(path) is closed") }
        return prepared
    }

    // MARK: - C API helpers

    struct Statement {
        let handle: OpaquePointer
    }

    private func prepare(_ sql: String) throws -> Statement {
        var handle: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard rc == SQLITE_OK, let handle else {
            throw error(rc, "preparing a statement")
        }
        let statement = Statement(handle: handle)
        statements.append(statement)
        return statement
    }

    private func run(_ statement: Statement, _ what: String) throws {
        defer { sqlite3_reset(statement.handle) }
        try step(statement.handle, what)
    }

    private func step(_ statement: OpaquePointer, _ what: String) throws {
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else {
            throw error(rc, what)
        }
    }

    /// Binds `text` with its exact UTF-8 length, so a key containing NUL is not cut short.
    private func bind(_ text: String, at index: Int32, in statement: OpaquePointer) throws {
        var text = text
        let rc = text.withUTF8 { utf8 -> Int32 in
            guard let base = utf8.baseAddress, utf8.count > 0 else {
                return sqlite3_bind_text(statement, index, "", 0, csqlite_transient())
            }
            guard utf8.count <= Int(Int32.max) else { return SQLITE_TOOBIG }
            let chars = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
            return sqlite3_bind_text(statement, index, chars, Int32(utf8.count), csqlite_transient())
        }
        try check(rc, "binding a key")
    }

    private func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard rc == SQLITE_OK else {
            throw error(rc, message.map { String(cString: $0) })
        }
    }

    private func scalarInt(_ sql: String) throws -> Int64 {
        try scalar(sql) { sqlite3_column_int64($0, 0) } ?? 0
    }

    private func scalarText(_ sql: String) throws -> String? {
        try scalar(sql) { statement in
            sqlite3_column_text(statement, 0).map { String(cString: $0) }
        } ?? nil
    }

    private func scalar<T>(_ sql: String, _ read: (OpaquePointer) -> T) throws -> T? {
        var handle: OpaquePointer?
        let rc = sqlite3_prepare_v2(db, sql, -1, &handle, nil)
        guard rc == SQLITE_OK, let handle else {
            sqlite3_finalize(handle)
            throw error(rc, nil)
        }
        defer { sqlite3_finalize(handle) }
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return read(handle)
        case SQLITE_DONE: return nil
        case let code: throw error(code, nil)
        }
    }

    private func check(_ rc: Int32, _ what: String) throws {
        guard rc == SQLITE_OK else { throw error(rc, what) }
    }

    /// A `StoreError` for a failed call: `what` failed because of the connection's message.
    private func error(_ code: Int32, _ what: String?) -> StoreError {
        let primary = code & 0xff
        if primary == SQLITE_NOTADB {
            return StoreError("\(path) is not a SQLite database; point store.path at a new file or at a gateway state file")
        }
        var reason = String(cString: sqlite3_errstr(code))
        if let db, let message = sqlite3_errmsg(db) {
            let detail = String(cString: message)
            if detail != reason && !detail.isEmpty && detail != "not an error" {
                reason = detail
            }
        }
        let context = what.map { " while \($0)" } ?? ""
        return StoreError("sqlite store \(path): \(reason)\(context) (code \(code))")
    }

    private func describe(_ key: String) -> String {
        key.count > 80 ? "key \"\(key.prefix(80))…\"" : "key \"\(key)\""
    }
}

/// Per-transaction state shared by the `KVTransaction` value (which callers may copy) and the
/// connection: the transaction's `now`, whether it is still open, and the first failed operation.
final class SQLiteTransactionContext {
    let connection: SQLiteConnection
    let now: Double
    var isOpen = true
    var failure: StoreError?
    /// Each key's state as this transaction last saw or left it (`nil`: no live record).
    var touched: [StoreKey: KVRecord?] = [:]

    init(connection: SQLiteConnection, now: Double) {
        self.connection = connection
        self.now = now
    }

    func perform<T>(_ operation: (SQLiteConnection) throws -> T) throws -> T {
        guard isOpen else {
            throw StoreError("a store transaction was used after it ended")
        }
        do {
            return try operation(connection)
        } catch let error as StoreError {
            if failure == nil { failure = error }
            throw error
        }
    }
}

/// The `KVTransaction` a `transact` body receives.
struct SQLiteKVTransaction: KVTransaction {
    let context: SQLiteTransactionContext

    func get(_ key: String) throws -> KVRecord? {
        let record = try context.perform { try $0.get(key, now: context.now) }
        context.touched[StoreKey(key)] = .some(record)
        return record
    }

    mutating func put(_ key: String, _ record: KVRecord) throws {
        try context.perform { try $0.put(key, record) }
        context.touched[StoreKey(key)] = .some(record)
    }

    mutating func delete(_ key: String) throws {
        try context.perform { try $0.delete(key) }
        context.touched[StoreKey(key)] = .some(nil)
    }
}
