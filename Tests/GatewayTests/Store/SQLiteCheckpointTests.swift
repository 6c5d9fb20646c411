// Why this file exists: the `sqlite` store checkpoints its WAL on a thread of its own
// (`SQLiteCheckpointer`) instead of inside a commit. What a user relies on: the log's pages reach the
// database file while the gateway runs, the -wal file stays bounded under steady writes, and a clean
// close leaves no -wal file behind and every write in place.

import Foundation
import Testing
@testable import Gateway

@Suite struct SQLiteCheckpointTests {
    /// 500 keys of 3 KB each, overwritten round-robin: every commit appends at least one page to the WAL
    /// while the database stays about 2 MB.
    private static let keys = 500
    private static let value = [UInt8](repeating: 0x5A, count: 3000)

    @Test func thePagesReachTheDatabaseFileWhileTheStoreRuns() async throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.db").path
        let store = try SQLiteStore(path: path, timeout: .seconds(10))
        let before = fileSize(path)
        // About 3000 frames: past the background threshold, short of the inline one.
        for round in 0..<3000 {
            try await write(round, to: store)
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while fileSize(path) < before + 1_000_000 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(fileSize(path) >= before + 1_000_000, "database file \(fileSize(path)) bytes, was \(before)")
        await store.close()
    }

    @Test func theWALStaysBoundedUnderSteadyWritesAndCloseRemovesIt() async throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.db").path
        let store = try SQLiteStore(path: path, timeout: .seconds(10))
        var largestWAL = 0
        // At least 30 000 frames, 120 MB of log if nothing ever let the WAL start over.
        let rounds = 30_000
        for round in 0..<rounds {
            try await write(round, to: store)
            if round % 250 == 0 { largestWAL = max(largestWAL, fileSize(path + "-wal")) }
        }
        largestWAL = max(largestWAL, fileSize(path + "-wal"))
        // The inline threshold plus the frames of the commits around it, in 4 KiB pages with headers.
        let bound = Int(SQLiteCheckpointer.inlineFrames + 1000) * (4096 + 24)
        #expect(largestWAL > 0)
        #expect(largestWAL <= bound, "the -wal file grew to \(largestWAL) bytes")
        await store.close()
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "close left the -wal file")

        let reopened = try SQLiteStore(path: path, timeout: .seconds(10))
        for key in 0..<Self.keys {
            let last = rounds - Self.keys + key
            let record = try await reopened.transact { tx, _ in try tx.get("k\(key)") }
            #expect(record?.value == Self.value + Array(String(last).utf8), "key k\(key)")
        }
        await reopened.close()
    }

    private func write(_ round: Int, to store: SQLiteStore) async throws {
        let record = KVRecord(value: Self.value + Array(String(round).utf8), expiresAt: 9e9)
        try await store.transact { tx, _ in try tx.put("k\(round % Self.keys)", record) }
    }
}

private func makeDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-checkpoint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}
