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
/// the last answer given; one that reads a key not mirrored, or tries to write, gives up and takes the
/// store's thread, where it runs again. Only `.claimed` writes, so every forward is still decided by
/// SQLite alone. An entry is a live record or a known absence; a record that has expired is a miss
/// (the purge may have removed it, and a clock stepped back must not revive it from memory).
///
/// Bounded by entries and by bytes, in two generations: the older one is dropped whole when the newer
/// fills, which keeps recently written keys (dropping single keys left the hash table's remaining keys
/// clustered, and lookups crawled through long probe runs). Values over `maxValueBytes` (large stored
/// answers) are not mirrored; their keys are forgotten, so no older copy answers for them.
final class SQLiteMirror: Sendable {
    fileprivate struct State {
        var current: [StoreKey: KVRecord?] = [:]
        var previous: [StoreKey: KVRecord?] = [:]
        var currentBytes = 0
        var closed = false

        func entry(_ key: StoreKey) -> KVRecord?? {
            current[key] ?? previous[key]
        }
    }

    static let maxValueBytes = 64 * 1024

    private let state = NIOLockedValueBox(State())
    private let capacity: Int
    private let byteBudget: Int

    init(capacity: Int = 10_000, byteBudget: Int = 8 << 20) {
        self.capacity = capacity
        self.byteBudget = byteBudget
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

    /// What a committed group of transactions read and wrote (`nil`: no live record).
    func apply(_ touched: [StoreKey: KVRecord?]) {
        guard !touched.isEmpty else { return }
        state.withLockedValue { state in
            guard !state.closed else { return }
            for (key, record) in touched {
                guard (record?.value.count ?? 0) <= Self.maxValueBytes else {
                    state.current[key] = nil
                    state.previous[key] = nil
                    continue
                }
                state.current[key] = .some(record)
                state.currentBytes += key.text.utf8.count + (record?.value.count ?? 0) + 48
            }
            if state.current.count >= capacity / 2 || state.currentBytes >= byteBudget / 2 {
                state.previous = state.current
                state.current = Dictionary(minimumCapacity: min(capacity / 2, 4096))
                state.currentBytes = 0
            }
        }
    }

    /// Keys whose committed state is uncertain (a COMMIT that failed).
    func forget(_ keys: some Sequence<StoreKey>) {
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

/// A store key compared and hashed as bytes, as SQLite compares them: Swift's `String` equality is
/// Unicode canonical equivalence, under which two principals spelled with different code points would
/// share one entry here but be two rows in the file.
struct StoreKey: Hashable, Sendable {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    static func == (left: StoreKey, right: StoreKey) -> Bool {
        left.text.utf8.elementsEqual(right.text.utf8)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(text.utf8.count)
        let hashed: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil {
            for byte in text.utf8 { hasher.combine(byte) }
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
        guard let entry = state.entry(StoreKey(key)) else { try needsStore() }
        guard let record = entry else { return nil }
        guard record.expiresAt > now else { try needsStore() }
        return record
    }

    mutating func put(_ key: String, _ record: KVRecord) throws {
        try needsStore()
    }

    mutating func delete(_ key: String) throws {
        try needsStore()
    }

    private func needsStore() throws -> Never {
        outcome.complete = false
        throw NeedsStore()
    }
}
