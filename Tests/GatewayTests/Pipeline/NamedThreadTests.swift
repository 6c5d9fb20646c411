import Foundation
import Testing
@testable import Gateway

/// The names operators see in `top -H`, `ps -L` and `perf` (the kernel's, not Foundation's).
@Suite("Named threads")
struct NamedThreadTests {
    /// Every thread name of this process, as the kernel reports them.
    static func kernelThreadNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").compactMap { task in
            try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Starts a thread named `name` that stays alive until `release` is signalled.
    static func park(_ name: String, until release: DispatchSemaphore) {
        let started = DispatchSemaphore(value: 0)
        NamedThread.start(name) {
            started.signal()
            release.wait()
        }
        started.wait()
    }

    @Test func theKernelSeesTheNameCutTo15Bytes() throws {
        let tag = String(UUID().uuidString.prefix(8)).lowercased()
        let release = DispatchSemaphore(value: 0)
        defer { release.signal(); release.signal() }
        let long = "l\(tag)-and-a-long-tail"
        Self.park("t\(tag)", until: release)
        Self.park(long, until: release)
        let names = try Self.kernelThreadNames()
        #expect(names.contains("t\(tag)"))
        #expect(names.contains(String(long.prefix(15))), "a long name is cut to the kernel's 15 bytes: \(Set(names).sorted())")
    }

    @Test func theSQLiteStoresThreadsCarryTheirNames() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("named-threads-\(UUID().uuidString)/state.db").path
        let store = try SQLiteStore(path: path, timeout: .seconds(10))
        try await store.transact { tx, now in try tx.put("k", KVRecord(value: [1], expiresAt: now + 60)) }
        // Each thread names itself when it first runs, which on a busy machine can come later.
        let expected = ["sqlite-store", "sqlite-ckpt", "sqlite-timeouts"]
        var names = try Self.kernelThreadNames()
        for _ in 0..<200 where !expected.allSatisfy(names.contains) {
            try await Task.sleep(for: .milliseconds(50))
            names = try Self.kernelThreadNames()
        }
        for name in expected {
            #expect(names.contains(name), "no thread named \(name): \(Set(names).sorted())")
        }
        await store.close()
    }
}
