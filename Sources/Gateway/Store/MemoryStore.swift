import Foundation
import NIOConcurrencyHelpers

/// The `memory` backend: one dictionary behind one lock. Atomic by construction; lost on restart and
/// not shared between instances (check-config warns). For tests and single-instance trials.
public final class MemoryStore: StateStore {
    private let table = NIOLockedValueBox<[String: KVRecord]>([:])
    private let clock: @Sendable () -> Double

    public init(clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.clock = clock
    }

    public func transact<T: Sendable>(_ body: @escaping @Sendable (inout any KVTransaction, Double) throws -> T) async throws -> T {
        let now = clock()
        return try table.withLockedValue { table in
            var transaction: any KVTransaction = MemoryTransaction(base: table, now: now)
            let result = try body(&transaction, now)
            // Only a closure that returned commits its writes. Drop the transaction (and its reference
            // to the table) first, so that applying the writes does not copy the whole table.
            let writes = (transaction as? MemoryTransaction)?.writes ?? [:]
            transaction = MemoryTransaction(base: [:], now: now)
            for (key, record) in writes { table[key] = record }
            return result
        }
    }

    public func probe() async throws {}

    public func close() async {}

    /// Drops expired records; the gateway calls it from its purge loop.
    public func purge() {
        let now = clock()
        table.withLockedValue { $0 = $0.filter { $0.value.expiresAt > now } }
    }
}

/// Reads through to the table, keeps writes aside until commit.
private struct MemoryTransaction: KVTransaction {
    let base: [String: KVRecord]
    let now: Double
    var writes: [String: KVRecord?] = [:]

    func get(_ key: String) throws -> KVRecord? {
        let record = writes[key] ?? base[key]
        guard let record, record.expiresAt > now else { return nil }
        return record
    }

    mutating func put(_ key: String, _ record: KVRecord) throws { writes[key] = .some(record) }

    mutating func delete(_ key: String) throws { writes[key] = .some(nil) }
}
