/// What the gateway needs from its state store: the three steps of a resend (SPEC §4.5–§4.6), each one
/// atomic, plus a health probe. `rules` carries the settings of the configuration in force, so a reload
/// applies to the next step without reopening the store.
///
/// Two implementations: `TransactionalResendStore` runs `Admission` inside a `StateStore` transaction
/// (memory, sqlite); `RedisStore` runs the same rules as Lua scripts inside Redis, because a shared
/// store can only be atomic server-side.
public protocol ResendStore: Sendable {
    func admit(_ ticket: Admission.Ticket, rules: Admission) async throws -> Admission.Decision
    /// False when the claim is no longer the ticket's: the request must then not be sent.
    func markSent(_ ticket: Admission.Ticket, rules: Admission) async throws -> Bool
    /// `admit` and — when it claims — `markSent`, in one atomic step, as the gateway runs them for
    /// every resend: a `.claimed` answer means the claim is marked sent, durably, and the request may
    /// go (see `Admission.admitMarkingSent`).
    func admitForSending(_ ticket: Admission.Ticket, rules: Admission) async throws -> Admission.Decision
    func complete(_ ticket: Admission.Ticket, _ outcome: Admission.Outcome, rules: Admission) async throws
    /// Answers when the store is reachable and writable (readiness probes).
    func probe() async throws
    /// Stops background work and releases files and connections; further calls fail.
    func close() async
}

/// Memory and SQLite: each step is one `transact` running `Admission` in this process.
public struct TransactionalResendStore: ResendStore {
    public let store: any StateStore

    public init(_ store: any StateStore) {
        self.store = store
    }

    public func admit(_ ticket: Admission.Ticket, rules: Admission) async throws -> Admission.Decision {
        // Admission is pure, and most admits of a duplicate only read (a replay, a wait, a 422, a 429).
        try await store.transactMostlyReading { store, now in try rules.admit(ticket, in: &store, now: now) }
    }

    public func admitForSending(_ ticket: Admission.Ticket, rules: Admission) async throws -> Admission.Decision {
        // Durable when it answers (it marks sent), yet a duplicate's replay, wait or refusal only reads.
        try await store.transactMostlyReading { store, now in try rules.admitMarkingSent(ticket, in: &store, now: now) }
    }

    public func markSent(_ ticket: Admission.Ticket, rules: Admission) async throws -> Bool {
        try await store.transact { store, now in try rules.markSent(ticket, in: &store, now: now) }
    }

    public func complete(_ ticket: Admission.Ticket, _ outcome: Admission.Outcome, rules: Admission) async throws {
        try await store.transact { store, now in try rules.complete(ticket, outcome, in: &store, now: now) }
    }

    public func probe() async throws { try await store.probe() }

    public func close() async { await store.close() }
}
