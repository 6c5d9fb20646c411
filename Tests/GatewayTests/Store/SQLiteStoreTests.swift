// Why this file exists: the `sqlite` store is where "never send a resend twice" survives restarts, so
// its guarantees (atomicity, serial transactions, expiry, one instance per file, durability, schema
// versioning, timeouts) are checked here against real SQLite files in temporary directories.

import CSQLite
import Foundation
import NIOConcurrencyHelpers
import Testing
@testable import Gateway

@Suite struct SQLiteStoreTests {
    // MARK: - Records

    @Test func putGetDeleteRoundTrip() async throws {
        let path = try makeStoreTestPath()
        let store = try SQLiteStore(path: path, timeout: .seconds(10))
        let record = KVRecord(value: [0, 1, 2, 255], expiresAt: Date().timeIntervalSince1970 + 3600)
        try await store.transact { tx, _ in try tx.put("claim:a", record) }
        let read = try await store.transact { tx, _ in try tx.get("claim:a") }
        #expect(read == record)

        // Overwrite, then delete; other keys are untouched.
        let other = KVRecord(value: [9], expiresAt: record.expiresAt)
        try await store.transact { tx, _ in
            try tx.put("claim:a", KVRecord(value: [7, 7], expiresAt: record.expiresAt))
            try tx.put("claim:b", other)
        }
        #expect(try await store.transact { tx, _ in try tx.get("claim:a") }?.value == [7, 7])
        try await store.transact { tx, _ in try tx.delete("claim:a") }
        #expect(try await store.transact { tx, _ in try tx.get("claim:a") } == nil)
        #expect(try await store.transact { tx, _ in try tx.get("claim:b") } == other)
        // Deleting a missing key is fine.
        try await store.transact { tx, _ in try tx.delete("never-written") }
        await store.close()
    }

    @Test func keysAndValuesAreOpaque() async throws {
        let store = try SQLiteStore(path: try makeStoreTestPath(), timeout: .seconds(10))
        let expiry = Date().timeIntervalSince1970 + 3600
        let entries: [(String, [UInt8])] = [
            ("", [1]),
            ("with\u{0}nul", [2]),
            ("with", [3]),  // must not collide with the NUL key cut short
            ("ünïcødé ✉️", []),  // empty value stays an empty value, not NULL
            (String(repeating: "k", count: 300), Array(repeating: 0xAB, count: 70_000)),
        ]
        try await store.transact { tx, _ in
            for (key, value) in entries { try tx.put(key, KVRecord(value: value, expiresAt: expiry)) }
        }
        for (key, value) in entries {
            let read = try await store.transact { tx, _ in try tx.get(key) }
            #expect(read == KVRecord(value: value, expiresAt: expiry), "key \(key.debugDescription)")
        }
        await store.close()
    }

    @Test func getTreatsExpiredRecordsAsAbsent() async throws {
        let clock = ManualStoreClock(1000)
        let store = try SQLiteStore(path: try makeStoreTestPath(), timeout: .seconds(10), clock: clock.read)
        let seen = try await store.transact { tx, now in
            try tx.put("k", KVRecord(value: [1], expiresAt: now + 5))
            return now
        }
        #expect(seen == 1000)
        clock.set(1004.999)
        #expect(try await store.transact { tx, _ in try tx.get("k") }?.value == [1])
        clock.set(1005)  // expires_at <= now: gone
        #expect(try await store.transact { tx, _ in try tx.get("k") } == nil)
        clock.set(2000)
        #expect(try await store.transact { tx, _ in try tx.get("k") } == nil)
        // An expired key can be claimed again.
        try await store.transact { tx, now in try tx.put("k", KVRecord(value: [2], expiresAt: now + 1)) }
        #expect(try await store.transact { tx, _ in try tx.get("k") }?.value == [2])
        await store.close()
    }

    // MARK: - Transactions

    @Test func throwingBodyLeavesNothing() async throws {
        struct Abort: Error {}
        let store = try SQLiteStore(path: try makeStoreTestPath(), timeout: .seconds(10))
        let expiry = Date().timeIntervalSince1970 + 3600
        try await store.transact { tx, _ in try tx.put("kept", KVRecord(value: [1], expiresAt: expiry)) }

        await #expect(throws: Abort.self) {
            try await store.transact { tx, _ in
                try tx.put("new", KVRecord(value: [2], expiresAt: expiry))
                try tx.put("kept", KVRecord(value: [3], expiresAt: expiry))
                try tx.delete("kept-too")
                throw Abort()
            }
        }
        #expect(try await store.transact { tx, _ in try tx.get("new") } == nil)
        #expect(try await store.transact { tx, _ in try tx.get("kept") }?.value == [1])
        await store.close()
    }

    @Test func swallowedStoreErrorStillRollsBack() async throws {
        let store = try SQLiteStore(path: try makeStoreTestPath(), timeout: .seconds(10))
        let expiry = Date().timeIntervalSince1970 + 3600
        // The body catches a failed write and returns normally: committing the other write would leave
        // the transaction half done, so the store rolls back and reports the failure.
        await #expect(throws: StoreError.self) {
            try await store.transact { tx, _ in
                try tx.put("first", KVRecord(value: [1], expiresAt: expiry))
                _ = try? tx.put("bad", KVRecord(value: [2], expiresAt: .nan))
            }
        }
        #expect(try await store.transact { tx, _ in try tx.get("first") } == nil)
        await store.close()
    }

    @Test func concurrentReadIncrementWriteIsSerializable() async throws {
        let store = try SQLiteStore(path: try makeStoreTestPath(), timeout: .seconds(30))
        let expiry = Date().timeIntervalSince1970 + 3600
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    try await store.transact { tx, _ in
                        let current = try tx.get("counter").map { decodeCounter($0.value) } ?? 0
                        try tx.put("counter", KVRecord(value: encodeCounter(current + 1), expiresAt: expiry))
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = try await store.transact { tx, _ in try tx.get("counter") }
        #expect(final.map { decodeCounter($0.value) } == 200)
        await store.close()
    }

    // MARK: - Reads answered from memory (SQLiteMirror)

    @Test func pureReadsOfCommittedKeysAreAnsweredWhileTheStoreThreadIsBusy() async throws {
        let store = try SQLiteStore(path: try makeStoreTestPath(), timeout: .seconds(10))
        try await store.transact { tx, now in try tx.put("known", KVRecord(value: [7], expiresAt: now + 60)) }
        let finished = StoreTestFlag()
        let slow = try await startSlowTransaction(store, seconds: 2.0, finished: finished)
        let known = try await store.transactMostlyReading { tx, _ in try tx.get("known") }
        #expect(known?.value == [7])
        #expect(!finished.isSet, "a read of a committed key waited for the store's thread")
        // A key never seen, and any write, still take the store's thread: after the slow transaction.
        let unknown = try await store.transactMostlyReading { tx, _ in try tx.get("never-written") }
        #expect(unknown == nil)
        #expect(finished.isSet, "a key the mirror does not hold was answered from memory")
        _ = try await slow.value
        await store.close()
    }

    /// The admission that marks a claim sent must be durable before anything is forwarded.
    @Test func aMostlyReadingStepThatWritesIsInTheFileWhenItReturns() async throws {
        let path = try makeStoreTestPath()
        let store = try SQLiteStore(path: path, timeout: .seconds(10))
        try await store.transact { tx, now in try tx.put("known", KVRecord(value: [7], expiresAt: now + 60)) }
        let raw = try RawSQLite(path)
        let wrote = try await store.transactMostlyReading { tx, now -> Bool in
            guard try tx.get("known") != nil else { return false }
            try tx.put("sent", KVRecord(value: [1], expiresAt: now + 60))
            return true
        }
        #expect(wrote)
        #expect(try raw.int("SELECT count(*) FROM kv WHERE key = 'sent'") == 1)
        await store.close()
    }

    @Test func aStepThatFailsLeavesTheMirrorAsCommitted() async throws {
        let store = try SQLiteStore(path: try makeStoreTestPath(), timeout: .seconds(10))
        try await store.transact { tx, now in try tx.put("k", KVRecord(value: [0], expiresAt: now + 60)) }
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await store.transact { tx, now in
                try tx.put("k", KVRecord(value: [1], expiresAt: now + 60))
                throw Refused()
            }
        }
        #expect(try await store.transactMostlyReading { tx, _ in try tx.get("k")?.value } == [0])
        await store.close()
    }

    @Test func everyAnswerIsSeenByTheReadsThatFollowIt() async throws {
        let store = try SQLiteStore(path: try makeStoreTestPath(), timeout: .seconds(30))
        let expiry = Date().timeIntervalSince1970 + 3600
        try await store.transact { tx, _ in try tx.put("counter", KVRecord(value: encodeCounter(0), expiresAt: expiry)) }
        let violations = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    // Read-your-writes: a read after an increment returns never sees less than it wrote.
                    let written = try await store.transact { tx, _ in
                        let current = try tx.get("counter").map { decodeCounter($0.value) } ?? 0
                        try tx.put("counter", KVRecord(value: encodeCounter(current + 1), expiresAt: expiry))
                        return current + 1
                    }
                    let seen = try await store.transactMostlyReading { tx, _ in try tx.get("counter").map { decodeCounter($0.value) } ?? -1 }
                    return seen >= written ? 0 : 1
                }
                group.addTask {
                    // Reads never go back in time.
                    var last = 0
                    var backwards = 0
                    for _ in 0..<20 {
                        let seen = try await store.transactMostlyReading { tx, _ in try tx.get("counter").map { decodeCounter($0.value) } ?? -1 }
                        if seen < last { backwards += 1 }
                        last = seen
                    }
                    return backwards
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(violations == 0)
        let final = try await store.transact { tx, _ in try tx.get("counter") }
        #expect(final.map { decodeCounter($0.value) } == 100)
        await store.close()
    }

    @Test func transactionsCommittedTogetherStillFailAlone() async throws {
        // Queued behind a slow transaction, these run as one group commit: the ones that throw must
        // leave nothing, the others everything.
        let store = try SQLiteStore(path: try makeStoreTestPath(), timeout: .seconds(30))
        let expiry = Date().timeIntervalSince1970 + 3600
        let slow = try await startSlowTransaction(store, seconds: 0.3)
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<30 {
                group.addTask {
                    let outcome = await storeOutcome {
                        try await store.transact { tx, _ in
                            try tx.put("k\(index)", KVRecord(value: [UInt8(index)], expiresAt: expiry))
                            try tx.put("shared", KVRecord(value: [UInt8(index)], expiresAt: expiry))
                            if index % 3 == 0 { throw StoreError("refused by the test") }
                        }
                    }
                    if case .success = outcome { return (index, true) }
                    return (index, false)
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        _ = try await slow.value
        for index in 0..<30 {
            #expect(results[index] == (index % 3 != 0))
            let stored = try await store.transact { tx, _ in try tx.get("k\(index)") }
            #expect((stored != nil) == (index % 3 != 0), "k\(index)")
        }
        let shared = try #require(try await store.transact { tx, _ in try tx.get("shared") })
        #expect(shared.value.first.map { $0 % 3 != 0 } == true, "the last write that landed came from a step that succeeded")
        await store.close()
    }

    @Test func slowTransactionTimesOutCallersButStillCommits() async throws {
        let path = try makeStoreTestPath()
        let store = try SQLiteStore(path: path, timeout: .milliseconds(300))
        let expiry = Date().timeIntervalSince1970 + 3600
        let finished = StoreTestFlag()
        let first = try await startSlowTransaction(store, seconds: 2.0, finished: finished)
        // Queued behind the slow one: gives up after the timeout and is never run.
        let second = await storeOutcome { try await store.transact { tx, _ in try tx.put("queued", KVRecord(value: [2], expiresAt: expiry)) } }
        #expect(!finished.isSet, "the waiter was released by the timeout, not by the slow transaction")
        #expect(isStoreTimeout(second))
        // The slow caller itself exceeded the timeout too.
        let firstResult = await first.result
        #expect(isStoreTimeout(firstResult))
        // …but its transaction completed cleanly on the store's thread.
        let slow = try await retryingStoreTimeouts { try await store.transact { tx, _ in try tx.get("slow") } }
        #expect(slow?.value == [1])
        #expect(try await store.transact { tx, _ in try tx.get("queued") } == nil)
        await store.close()
        #expect(try RawSQLite(path).int("SELECT count(*) FROM kv") == 1)
    }

    @Test func probeWritesAndClosedStoreRefusesWork() async throws {
        let store = try SQLiteStore(path: try makeStoreTestPath(), timeout: .seconds(10))
        try await store.probe()
        await store.close()
        await store.close()  // idempotent
        await #expect(throws: StoreError.self) { try await store.probe() }
        await #expect(throws: StoreError.self) { try await store.transact { tx, _ in try tx.get("x") } }
    }

    // MARK: - Files

    @Test func createsMissingDirectories() async throws {
        let root = try makeStoreTestDirectory()
        let path = root.appendingPathComponent("var/lib/gateway/state.db").path
        let store = try SQLiteStore(path: path, timeout: .seconds(10))
        try await store.probe()
        await store.close()
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(FileManager.default.fileExists(atPath: path + ".lock"))
    }

    @Test func impossibleDirectoryIsAClearError() throws {
        // A directory under a regular file cannot exist, whoever runs the test (root included).
        let file = try makeStoreTestDirectory().appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: file)
        let path = file.appendingPathComponent("sub/state.db").path
        let error = try #require(throws: StoreError.self) { _ = try SQLiteStore(path: path, timeout: .seconds(1)) }
        #expect(error.description.contains("cannot create the directory"), "\(error)")
        #expect(error.description.contains(file.path), "\(error)")
    }

    @Test func notADatabaseIsAClearError() throws {
        let path = try makeStoreTestPath()
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: StoreError.self) { _ = try SQLiteStore(path: path, timeout: .seconds(1)) }
        #expect(error.description.contains("is not a SQLite database"), "\(error)")
        // The failed open released the lock.
        try Data().write(to: URL(fileURLWithPath: path))
        _ = try SQLiteStore(path: path, timeout: .seconds(1))
    }

    @Test func foreignDatabaseIsRefused() throws {
        let path = try makeStoreTestPath()
        try RawSQLite(path).exec("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
        let error = try #require(throws: StoreError.self) { _ = try SQLiteStore(path: path, timeout: .seconds(1)) }
        #expect(error.description.contains("not a gateway state file"), "\(error)")
        #expect(try RawSQLite(path).int("SELECT count(*) FROM sqlite_master WHERE name = 'kv'") == 0)
    }

    @Test func secondInstanceIsRefusedUntilTheFirstCloses() async throws {
        let path = try makeStoreTestPath()
        let first = try SQLiteStore(path: path, timeout: .seconds(10))
        // flock belongs to the open file description: a second open in this process conflicts too.
        let error = try #require(throws: StoreError.self) { _ = try SQLiteStore(path: path, timeout: .seconds(1)) }
        #expect(error.description.contains("another gateway"), "\(error)")
        #expect(error.description.contains("redis"), "\(error)")
        await first.close()
        let second = try SQLiteStore(path: path, timeout: .seconds(10))
        try await second.probe()
        await second.close()
    }

    @Test func reopenKeepsData() async throws {
        let path = try makeStoreTestPath()
        let expiry = Date().timeIntervalSince1970 + 3600
        let first = try SQLiteStore(path: path, timeout: .seconds(10))
        try await first.transact { tx, _ in try tx.put("storeOutcome", KVRecord(value: Array("202 Accepted".utf8), expiresAt: expiry)) }
        await first.close()
        let second = try SQLiteStore(path: path, timeout: .seconds(10))
        #expect(try await second.transact { tx, _ in try tx.get("storeOutcome") } == KVRecord(value: Array("202 Accepted".utf8), expiresAt: expiry))
        await second.close()
    }

    @Test func committedDataIsOnDiskWithoutClose() async throws {
        let path = try makeStoreTestPath()
        let store = try SQLiteStore(path: path, timeout: .seconds(10))
        try await store.transact { tx, _ in try tx.put("claim", KVRecord(value: [42], expiresAt: 9e9)) }
        // No close(): a separate connection (as after a crash) sees the committed row in the file + WAL.
        let raw = try RawSQLite(path)
        #expect(try raw.int("SELECT count(*) FROM kv WHERE key = 'claim' AND expires_at = 9e9") == 1)
        #expect(try raw.text("PRAGMA journal_mode") == "wal")
        await store.close()
    }

    /// Writes from a child process (this test binary, re-run with `childProcessHelper` only), kills it
    /// with SIGKILL right after the commit, then reopens: the row is there and the lock was released.
    @Test func committedDataSurvivesKill9() async throws {
        let path = try makeStoreTestPath()
        let child = try ChildProcess(
            executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
            arguments: ["--testing-library", "swift-testing", "--filter", "childProcessHelper"],
            environment: ProcessInfo.processInfo.environment.merging([Self.childEnvironmentKey: path]) { $1 })
        let output = try #require(child.standardOutput)
        let line = await readChildLine(containing: "SQLITE-CHILD-COMMITTED", from: output, timeout: 60)
        let childStillRunning = child.isRunning
        kill(child.processIdentifier, SIGKILL)
        await waitForChildExit(child)
        let stderr = String(decoding: (try? child.standardError?.readToEnd()) ?? Data(), as: UTF8.self)
        try #require(line != nil, "the child never reported its commit; stderr:\n\(stderr.suffix(2000))")
        #expect(childStillRunning, "the child must still be running (holding the store) when it is killed")
        #expect(child.waitUntilExit() == 128 + SIGKILL)

        let store = try SQLiteStore(path: path, timeout: .seconds(10))  // the kernel dropped the lock
        #expect(try await store.transact { tx, _ in try tx.get("killed") } == KVRecord(value: [1, 2, 3], expiresAt: 9e9))
        await store.close()
    }

    static let childEnvironmentKey = "GATEWAY_SQLITE_KILL9_CHILD"

    /// Only does something when spawned by `committedDataSurvivesKill9`: commits, reports, then waits to be
    /// killed without ever closing the store.
    @Test func childProcessHelper() async throws {
        guard let path = ProcessInfo.processInfo.environment[Self.childEnvironmentKey] else { return }
        let store = try SQLiteStore(path: path, timeout: .seconds(10))
        try await store.transact { tx, _ in try tx.put("killed", KVRecord(value: [1, 2, 3], expiresAt: 9e9)) }
        FileHandle.standardOutput.write(Data("SQLITE-CHILD-COMMITTED\n".utf8))
        try await Task.sleep(for: .seconds(120))
        _ = store
    }

    // MARK: - Schema

    @Test func schemaVersionIsWrittenAndFutureVersionsRefused() async throws {
        let path = try makeStoreTestPath()
        let store = try SQLiteStore(path: path, timeout: .seconds(10))
        await store.close()
        let raw = try RawSQLite(path)
        #expect(try raw.int("PRAGMA user_version") == 2)
        #expect(try raw.int("PRAGMA application_id") == Int64(SQLiteConnection.applicationID))
        #expect(try raw.int("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'kv' AND sql IS NOT NULL") == 0)
        #expect(try raw.text("SELECT sql FROM sqlite_master WHERE name = 'kv'")?.contains("WITHOUT ROWID") == true)

        // Reopening a current file migrates nothing and keeps working.
        let again = try SQLiteStore(path: path, timeout: .seconds(10))
        try await again.probe()
        await again.close()

        try raw.exec("PRAGMA user_version = 3")
        let error = try #require(throws: StoreError.self) { _ = try SQLiteStore(path: path, timeout: .seconds(1)) }
        #expect(error.description.contains("created by a newer gateway"), "\(error)")
        #expect(try raw.int("PRAGMA user_version") == 3)  // left alone
    }

    /// A state file written by the previous schema (logical keys, an expires_at index) is migrated in
    /// place: every record keeps its value and expiry and is found under its logical key, so a claim
    /// or a stored outcome survives the upgrade.
    @Test func aVersion1FileIsMigratedWithItsRecords() async throws {
        let path = try makeStoreTestPath()
        let raw = try RawSQLite(path)
        try raw.exec("""
            CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB NOT NULL, expires_at REAL NOT NULL) WITHOUT ROWID;
            CREATE INDEX kv_expires_at ON kv (expires_at);
            PRAGMA application_id = \(SQLiteConnection.applicationID);
            PRAGMA user_version = 1;
            INSERT INTO kv VALUES ('i:6a1f0000-0000-4000-8000-000000000001:c0c0c0c0-0000-4000-8000-000000000002', x'01', 9e9);
            INSERT INTO kv VALUES ('l:contact:c0c0c0c0-0000-4000-8000-000000000002', x'02', 9e9);
            INSERT INTO kv VALUES ('k:principal:abc', x'03', 9e9);
            INSERT INTO kv VALUES ('c:looks-mapped', x'04', 9e9);
            INSERT INTO kv VALUES ('o:looks-escaped', x'05', 9e9);
            INSERT INTO kv VALUES ('l:principal:bench', x'06', 9e9);
            """)
        let store = try SQLiteStore(path: path, timeout: .seconds(10))
        let keys = [
            "i:6a1f0000-0000-4000-8000-000000000001:c0c0c0c0-0000-4000-8000-000000000002",
            "l:contact:c0c0c0c0-0000-4000-8000-000000000002", "k:principal:abc", "c:looks-mapped", "o:looks-escaped",
            "l:principal:bench",
        ]
        let values = try await store.transact { tx, _ in try keys.map { try tx.get($0)?.value } }
        #expect(values == [[1], [2], [3], [4], [5], [6]])
        #expect(try raw.int("PRAGMA user_version") == 2)
        #expect(try raw.int("SELECT count(*) FROM kv") == 6)
        // The claim now sits next to its contact's rate-limit record.
        #expect(try raw.text("SELECT group_concat(key, ' ') FROM (SELECT key FROM kv WHERE key LIKE 'c:c0c0%' ORDER BY key)")
            == "c:c0c0c0c0-0000-4000-8000-000000000002 c:c0c0c0c0-0000-4000-8000-000000000002:i:6a1f0000-0000-4000-8000-000000000001")
        await store.close()
    }

    // MARK: - Failures inside a group

    /// A step that throws after writing leaves nothing, and the steps around it still commit.
    @Test func aFailedStepLeavesNothing() async throws {
        let path = try makeStoreTestPath()
        let store = try SQLiteStore(path: path, timeout: .seconds(10))
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await store.transactMostlyReading { tx, _ -> Int in
                try tx.put("half", KVRecord(value: [1], expiresAt: 9e9))
                throw Refused()
            }
        }
        try await store.transact { tx, _ in try tx.put("after", KVRecord(value: [2], expiresAt: 9e9)) }
        #expect(try await store.transact { tx, _ in try tx.get("half") } == nil)
        #expect(try RawSQLite(path).int("SELECT count(*) FROM kv") == 1)
        await store.close()
    }

    // MARK: - Purge

    @Test func purgeRemovesExpiredRowsInBatches() async throws {
        let path = try makeStoreTestPath()
        let clock = ManualStoreClock(50)
        let store = try SQLiteStore(
            path: path, timeout: .seconds(10), clock: clock.read, purgeInterval: .milliseconds(20), purgeBatch: 10)
        try await store.transact { tx, _ in
            for i in 0..<35 { try tx.put("old\(i)", KVRecord(value: [1], expiresAt: 100)) }
            // Stored under the resend layout's keys, swept all the same.
            try tx.put("i:r:contact", KVRecord(value: [1], expiresAt: 100))
            try tx.put("l:contact:contact", KVRecord(value: [1], expiresAt: 100))
            try tx.put("fresh", KVRecord(value: [2], expiresAt: 10_000))
        }
        let raw = try RawSQLite(path)
        // Nothing has expired on the store's clock yet: several purge rounds keep every row.
        try await Task.sleep(for: .milliseconds(200))
        #expect(try raw.int("SELECT count(*) FROM kv") == 38)

        clock.set(500)
        try await waitForStore("the purge removes the 37 expired rows") {
            (try? raw.int("SELECT count(*) FROM kv")) == 1
        }
        #expect(try raw.int("SELECT count(*) FROM kv WHERE key = 'fresh'") == 1)
        await store.close()
    }

    @Test func closeStopsThePurge() async throws {
        let path = try makeStoreTestPath()
        let clock = ManualStoreClock(50)
        let store = try SQLiteStore(
            path: path, timeout: .seconds(10), clock: clock.read, purgeInterval: .milliseconds(20))
        try await store.transact { tx, _ in try tx.put("old", KVRecord(value: [1], expiresAt: 100)) }
        await store.close()
        clock.set(500)
        try await Task.sleep(for: .milliseconds(150))
        #expect(try RawSQLite(path).int("SELECT count(*) FROM kv") == 1)
    }
}

// MARK: - Helpers

private func makeStoreTestDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private func makeStoreTestPath() throws -> String {
    try makeStoreTestDirectory().appendingPathComponent("state.db").path
}

private func encodeCounter(_ value: Int) -> [UInt8] { Array(String(value).utf8) }
private func decodeCounter(_ bytes: [UInt8]) -> Int { Int(String(decoding: bytes, as: UTF8.self)) ?? -1 }

private func isStoreTimeout<T>(_ result: Result<T, any Error>) -> Bool {
    guard case .failure(let error) = result, let store = error as? StoreError else { return false }
    return store.description == "store timed out"
}

/// A transaction that holds the store's thread for `seconds`, then writes `slow` = [1]; returns once it runs.
/// `finished` is set when the slow body is done: what a test compares with, rather than a clock a
/// busy machine can stretch.
private func startSlowTransaction(_ store: SQLiteStore, seconds: Double, finished: StoreTestFlag? = nil) async throws -> Task<Void, any Error> {
    let started = StoreTestFlag()
    let expiry = Date().timeIntervalSince1970 + 3600
    let slow = Task { try await store.transact { tx, _ in
        started.set()
        Thread.sleep(forTimeInterval: seconds)
        finished?.set()
        try tx.put("slow", KVRecord(value: [1], expiresAt: expiry))
    } }
    try await waitForStore("the slow transaction starts") { started.isSet }
    return slow
}

private func storeOutcome<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}

private func waitForStore(_ what: String, timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting until \(what)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// Retries `body` while the store answers "store timed out" (e.g. behind a slow transaction).
private func retryingStoreTimeouts<T>(_ body: () async throws -> T) async throws -> T {
    let deadline = ContinuousClock.now + .seconds(10)
    while true {
        do {
            return try await body()
        } catch let error as StoreError where error.description == "store timed out" && ContinuousClock.now < deadline {
            continue
        }
    }
}

/// A settable clock for the store.
private final class ManualStoreClock: Sendable {
    private let value: NIOLockedValueBox<Double>
    init(_ start: Double) { value = NIOLockedValueBox(start) }
    func set(_ now: Double) { value.withLockedValue { $0 = now } }
    var read: @Sendable () -> Double { { [self] in value.withLockedValue { $0 } } }
}

private final class StoreTestFlag: Sendable {
    private let value = NIOLockedValueBox(false)
    func set() { value.withLockedValue { $0 = true } }
    var isSet: Bool { value.withLockedValue { $0 } }
}

/// Reads from `handle` on a plain thread until a line contains `marker` (nil on EOF or timeout).
private func readChildLine(containing marker: String, from handle: FileHandle, timeout: Double) async -> String? {
    let found = NIOLockedValueBox<String?>(nil)
    let done = StoreTestFlag()
    Thread {
        var buffer = ""
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer += String(decoding: chunk, as: UTF8.self)
            if let line = buffer.split(separator: "\n").first(where: { $0.contains(marker) }) {
                found.withLockedValue { $0 = String(line) }
                break
            }
        }
        done.set()
    }.start()
    let deadline = Date(timeIntervalSinceNow: timeout)
    while !done.isSet && Date() < deadline {
        try? await Task.sleep(for: .milliseconds(20))
    }
    return found.withLockedValue { $0 }
}

private func waitForChildExit(_ process: ChildProcess) async {
    while process.isRunning {
        try? await Task.sleep(for: .milliseconds(20))
    }
}

/// A plain sqlite3 connection for looking at the file behind the store's back.
private final class RawSQLite {
    private var db: OpaquePointer?

    init(_ path: String) throws {
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK else {
            throw StoreError("raw open failed: \(path)")
        }
        sqlite3_busy_timeout(db, 2000)
    }

    deinit { sqlite3_close_v2(db) }

    func exec(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw StoreError("raw exec failed: \(String(cString: sqlite3_errmsg(db)))")
        }
    }

    func int(_ sql: String) throws -> Int64? {
        try query(sql) { sqlite3_column_int64($0, 0) }
    }

    func text(_ sql: String) throws -> String? {
        try query(sql) { sqlite3_column_text($0, 0).map { String(cString: $0) } } ?? nil
    }

    private func query<T>(_ sql: String, _ read: (OpaquePointer) -> T) throws -> T? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw StoreError("raw prepare failed: \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(statement) }
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return read(statement)
        case SQLITE_DONE: return nil
        default: throw StoreError("raw step failed: \(String(cString: sqlite3_errmsg(db)))")
        }
    }
}
