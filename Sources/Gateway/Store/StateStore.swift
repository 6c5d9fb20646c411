/// Where the gateway keeps what must survive a request: claims, stored outcomes and rate-limit state.
///
/// Backends are deliberately dumb: a key-value table with expiry and one operation, `transact`, that
/// runs a closure atomically (no other transaction interleaves, all its writes land or none do). All
/// semantics — claims, replays, windows — live once, in `Admission`, and run inside a transaction, so
/// every backend gives the same guarantees and no check-then-act ever spans two calls.
public protocol StateStore: Sendable {
    /// Runs `body` atomically and returns its result. `now` is the store's clock (seconds since 1970)
    /// read once at the start of the transaction.
    func transact<T: Sendable>(_ body: @escaping @Sendable (inout any KVTransaction, Double) throws -> T) async throws -> T

    /// `transact` for a step that mostly only reads (a resend's admission: most duplicates are
    /// replayed, wait or are refused). A store may first run `body` against a snapshot of committed
    /// state and keep the result when it turned out to only read (see `SQLiteMirror`); a body that
    /// writes runs again as a `transact`, and its writes are durable when this returns. So `body` must
    /// be a pure function of what it reads and `now` — no side effects, cheap — and, since a snapshot
    /// may miss what was written since, must only err towards writing on older state, as
    /// `Admission.admit` does: missing a claim or a rate-limit slot taken since, it decides to claim, a
    /// write, which the store then decides afresh; it never wrongly waits, refuses or replays.
    func transactMostlyReading<T: Sendable>(_ body: @escaping @Sendable (inout any KVTransaction, Double) throws -> T) async throws -> T

    /// Answers when the store is reachable and writable (readiness probes).
    func probe() async throws

    /// Stops background work and releases files; further calls fail.
    func close() async
}

extension StateStore {
    public func transactMostlyReading<T: Sendable>(_ body: @escaping @Sendable (inout any KVTransaction, Double) throws -> T) async throws -> T {
        try await transact(body)
    }
}

/// Reads and writes inside one transaction. Keys are opaque strings; values opaque bytes. A record
/// whose `expiresAt` has passed is absent for `get` (backends may purge it later).
public protocol KVTransaction {
    func get(_ key: String) throws -> KVRecord?
    mutating func put(_ key: String, _ record: KVRecord) throws
    mutating func delete(_ key: String) throws
}

public struct KVRecord: Sendable, Equatable {
    public var value: [UInt8]
    /// Seconds since 1970 on the store's clock.
    public var expiresAt: Double

    public init(value: [UInt8], expiresAt: Double) {
        self.value = value
        self.expiresAt = expiresAt
    }
}

/// A store that could not answer: unreachable, locked, too slow (`store.timeout`), or failing.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
