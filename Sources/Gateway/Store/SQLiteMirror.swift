import NIOConcurrencyHelpers

/// The committed state of recently used keys of the SQLite store, in memory, so that a transaction
/// that only reads — a replay, a duplicate told to wait, a 422, a throttled request — is answered on
/// the caller's thread instead of queueing for the store's thread (a round trip of two thread
/// hand-offs, the larger part of a replay's cost).
///
/// Sound because this process is the file's only writer (the store's file lock keeps other gateways
/// out): every write goes through the store's thread, which records what each committed transaction
/// read and wrote and applies it here after COMMIT and before answering its callers. A read-only
/// transaction runs under the lock against that snapshot, so it sees a committed state no older than
/// the last answer given; one that reads a key not mirrored, or tries to write, gives up and takes
/// the store's thread as before. An entry is a live record or a known absence; records that expire
/// read as absent, as in SQLite. Entries beyond `capacity` are dropped (a miss costs only the slow path):
/// two generations, the older one dropped whole when the newer fills, which keeps recently used keys
/// (a hit moves nothing, but every write lands in the newer one). Dropping single keys instead left the
/// hash table's remaining keys clustered, and lookups crawled through long probe runs.
final class SQLiteMirror: Sendable {
    fileprivate struct State {
        var current: [String: KVRecord?] = [:]
        var previous: [String: KVRecord?] = [:]
        var closed = false

        func entry(_ key: String) -> KVRecord?? {
            current[key] ?? previous[key]
        }
    }

    private let state = NIOLockedValueBox(State())
    private let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// `body`'s result when it only read mirrored keys; nil when it needs the store's thread.
    func readOnly<T>(now: Double, _ body: (inout any KVTransaction, Double) throws -> T) -> T? {
        state.withLockedValue { state -> T? in
            guard !state.closed, !(state.current.isEmpty && state.previous.isEmpty) else { return nil }
            let outcome = MirrorTransaction.Outcome()
            var transaction: any KVTransaction = MirrorTransaction(state: state, now: now, outcome: outcome)
            // A body that caught the miss and carried on is not trusted either.
            guard let result = try? body(&transaction, now), outcome.complete else { return nil }
            return result
        }
    }

    /// What a committed group of transactions read and wrote, in order (`nil`: no live record).
    func apply(_ touched: [String: KVRecord?]) {
        guard !touched.isEmpty else { return }
        state.withLockedValue { state in
            guard !state.closed else { return }
            for (key, record) in touched { state.current[key] = .some(record) }
            if state.current.count >= capacity / 2 {
                state.previous = state.current
                state.current = Dictionary(minimumCapacity: capacity / 2)
            }
        }
    }

    /// Keys whose committed state is uncertain (a COMMIT that failed).
    func forget(_ keys: some Sequence<String>) {
        state.withLockedValue { state in
            for key in keys {
                state.current[key] = nil
                state.previous[key] = nil
            }
        }
    }

    /// No more answers from memory: the store is closing.
    func close() {
        state.withLockedValue { state in
            state.closed = true
            state.current = [:]
            state.previous = [:]
        }
    }
}

/// Reads from the mirror; a miss or a write marks it incomplete and stops the transaction.
private struct MirrorTransaction: KVTransaction {
    final class Outcome {
        var complete = true
    }

    struct NeedsStore: Error {}

    let state: SQLiteMirror.State
    let now: Double
    let outcome: Outcome

    func get(_ key: String) throws -> KVRecord? {
        guard let entry = state.entry(key) else {
            outcome.complete = false
            throw NeedsStore()
        }
        guard let record = entry, record.expiresAt > now else { return nil }
        return record
    }

    mutating func put(_ key: String, _ record: KVRecord) throws {
        outcome.complete = false
        throw NeedsStore()
    }

    mutating func delete(_ key: String) throws {
        outcome.complete = false
        throw NeedsStore()
    }
}
