/// The one atomic store step of a resend (SPEC §4.0 step 8, §4.5, §4.6) and the two that follow it
/// (mark sent, record the outcome). Pure logic over a `KVTransaction`: every backend runs exactly this.
public struct Admission: Sendable {
    public struct Settings: Sendable {
        /// A claim whose holder died before sending frees after this (2×connect_timeout + store.timeout).
        public var claimTTL: Double
        /// A sent claim becomes outcome-unknown after this (timeout + connect_timeout).
        public var sentTTL: Double
        public var dedupeWindow: Double
        public var keyTTL: Double
        public var blockUnknown: Bool

        public init(claimTTL: Double, sentTTL: Double, dedupeWindow: Double, keyTTL: Double, blockUnknown: Bool) {
            self.claimTTL = claimTTL
            self.sentTTL = sentTTL
            self.dedupeWindow = dedupeWindow
            self.keyTTL = keyTTL
            self.blockUnknown = blockUnknown
        }
    }

    /// One resend asking to go upstream.
    public struct Ticket: Sendable {
        public var identity: String
        /// The idempotency key's store key, scoped to the principal; nil without a key.
        public var key: String?
        public var limits: [LimitCheck]
        /// Unique per attempt: proves who holds a claim.
        public var token: String

        public init(identity: String, key: String?, limits: [LimitCheck], token: String) {
            self.identity = identity
            self.key = key
            self.limits = limits
            self.token = token
        }
    }

    /// A rate limit to apply, in SPEC §4.0 order (principal, client_ip, then contact).
    public struct LimitCheck: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// Strict rolling window (per contact).
            case rolling
            /// Approximate, GCRA (per principal, per client address).
            case gcra
        }

        public var policy: String
        public var subject: String
        public var limit: Int
        public var window: Double
        public var kind: Kind

        public init(policy: String, subject: String, limit: Int, window: Double, kind: Kind) {
            self.policy = policy
            self.subject = subject
            self.limit = limit
            self.window = window
            self.kind = kind
        }
    }

    public enum Decision: Sendable, Equatable {
        /// The ticket holds the claim: forward it. `remaining` per policy, after this request.
        case claimed(remaining: [String: Int])
        case replay(StoredOutcome, remaining: [String: Int])
        /// A copy is in flight: wait for its outcome.
        case inFlight
        /// The idempotency key was used for another resend.
        case mismatch
        /// `policy` refused; `retryAfter` seconds until the most restrictive violated policy frees a slot.
        case throttled(policy: String, retryAfter: Int, remaining: [String: Int])
    }

    public enum Outcome: Sendable, Equatable {
        /// 2xx: replayed for the window under the identity, for key_ttl under the key.
        case store(StoredOutcome)
        /// A deterministic 4xx under an explicit key: stored under the key only, the identity is freed.
        case storeUnderKeyOnly(StoredOutcome)
        /// Nothing was done upstream: free the claim; `refund` gives the contact's slot back.
        case release(refund: Bool)
        /// The invitation may have been sent.
        case unknown(StoredOutcome)
    }

    public let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func admit(_ ticket: Ticket, in store: inout any KVTransaction, now: Double) throws -> Decision {
        if let key = ticket.key, let record = try claim(key, &store) {
            if record.identity != ticket.identity { return .mismatch }
            if let decision = try settled(record, ticket, &store, now) { return decision }
        }
        if let record = try claim(Keys.identity(ticket.identity), &store),
            let decision = try settled(record, ticket, &store, now)
        {
            return decision
        }
        // Limits: every violated policy is found, the most restrictive one answers; nothing is written.
        var remaining: [String: Int] = [:]
        var refusal: (policy: String, wait: Double)?
        var writes: [(String, KVRecord)] = []
        var contactStamp: Double?
        for check in ticket.limits {
            let storeKey = Keys.limit(check)
            switch check.kind {
            case .gcra:
                let state = try store.get(storeKey).map { try RecordCodec.decode(GCRAState.self, $0.value) }
                let result = RateLimitMath.gcra(tat: state?.tat, limit: check.limit, window: check.window, now: now)
                remaining[check.policy] = result.remaining
                if let wait = result.retryAfter {
                    if wait > refusal?.wait ?? -1 { refusal = (check.policy, wait) }
                } else if let tat = result.newTAT {
                    writes.append((storeKey, KVRecord(value: try RecordCodec.encode(GCRAState(tat: tat)), expiresAt: tat + check.window)))
                }
            case .rolling:
                let log = try store.get(storeKey).map { try RecordCodec.decode(WindowLog.self, $0.value) }
                let result = RateLimitMath.rollingWindow(stamps: log?.stamps ?? [], limit: check.limit, window: check.window, now: now)
                if let wait = result.retryAfter {
                    remaining[check.policy] = 0
                    if wait > refusal?.wait ?? -1 { refusal = (check.policy, wait) }
                } else {
                    remaining[check.policy] = check.limit - result.live.count - 1
                    contactStamp = now
                    let stamps = result.live + [now]
                    writes.append((storeKey, KVRecord(value: try RecordCodec.encode(WindowLog(stamps: stamps)), expiresAt: now + check.window)))
                }
            }
        }
        if let refusal {
            return .throttled(policy: refusal.policy, retryAfter: Int(refusal.wait.rounded(.up)), remaining: remaining)
        }
        for (key, record) in writes { try store.put(key, record) }
        let record = ClaimRecord(phase: .claimed, token: ticket.token, identity: ticket.identity, contactStamp: contactStamp)
        let encoded = try RecordCodec.encode(record)
        try store.put(Keys.identity(ticket.identity), KVRecord(value: encoded, expiresAt: now + settings.claimTTL))
        if let key = ticket.key { try store.put(key, KVRecord(value: encoded, expiresAt: now + settings.claimTTL)) }
        return .claimed(remaining: remaining)
    }

    /// `admit`, and when it claims, `markSent` right after it in the same transaction: the record
    /// still goes claimed → sent, and nothing may be sent before the transaction has committed. For
    /// stores whose steps run in this process: the loop between the two steps added a round trip to
    /// the store and decided nothing (the plugin marked every claim sent before forwarding anyway).
    public func admitMarkingSent(_ ticket: Ticket, in store: inout any KVTransaction, now: Double) throws -> Decision {
        let decision = try admit(ticket, in: &store, now: now)
        if case .claimed = decision, try !markSent(ticket, in: &store, now: now) {
            // Only a claim that expires as it is written (a zero claim TTL) gets here.
            throw StoreError("a claim could not be marked sent in the step that took it")
        }
        return decision
    }

    /// Claimed → sent, just before the request is handed to the upstream. False when the claim is no
    /// longer this ticket's (it expired and was taken): the request must then not be sent.
    public func markSent(_ ticket: Ticket, in store: inout any KVTransaction, now: Double) throws -> Bool {
        let identityKey = Keys.identity(ticket.identity)
        guard var record = try store.get(identityKey).map({ try RecordCodec.decode(ClaimRecord.self, $0.value) }),
            record.token == ticket.token, record.phase == .claimed
        else { return false }
        record.phase = .sent
        record.sentDeadline = now + settings.sentTTL
        let encoded = try RecordCodec.encode(record)
        try store.put(identityKey, KVRecord(value: encoded, expiresAt: now + settings.sentTTL + settings.dedupeWindow))
        if let key = ticket.key { try store.put(key, KVRecord(value: encoded, expiresAt: now + settings.sentTTL + settings.keyTTL)) }
        return true
    }

    /// Records how the forward ended. Only the claim's holder can complete it.
    public func complete(_ ticket: Ticket, _ outcome: Outcome, in store: inout any KVTransaction, now: Double) throws {
        let identityKey = Keys.identity(ticket.identity)
        guard let current = try store.get(identityKey).map({ try RecordCodec.decode(ClaimRecord.self, $0.value) }),
            current.token == ticket.token
        else { return }
        switch outcome {
        case .store(var stored):
            stored.windowEnd = now + settings.dedupeWindow
            try write(current, .completed, stored, identityKey, expires: now + settings.dedupeWindow, &store)
            if let key = ticket.key {
                stored.windowEnd = now + settings.keyTTL
                try write(current, .completed, stored, key, expires: now + settings.keyTTL, &store)
            }
        case .storeUnderKeyOnly(var stored):
            try store.delete(identityKey)
            if let key = ticket.key {
                stored.windowEnd = now + settings.keyTTL
                try write(current, .completed, stored, key, expires: now + settings.keyTTL, &store)
            }
        case .release(let refund):
            try store.delete(identityKey)
            if let key = ticket.key { try store.delete(key) }
            if refund, let stamp = current.contactStamp { try refundContact(ticket, stamp: stamp, &store) }
        case .unknown(var stored):
            guard settings.blockUnknown else {
                try store.delete(identityKey)
                if let key = ticket.key { try store.delete(key) }
                return
            }
            stored.windowEnd = now + settings.dedupeWindow
            try write(current, .unknown, stored, identityKey, expires: now + settings.dedupeWindow, &store)
            if let key = ticket.key {
                stored.windowEnd = now + settings.keyTTL
                try write(current, .unknown, stored, key, expires: now + settings.keyTTL, &store)
            }
        }
    }

    // MARK: - Helpers

    private func claim(_ key: String, _ store: inout any KVTransaction) throws -> ClaimRecord? {
        try store.get(key).map { try RecordCodec.decode(ClaimRecord.self, $0.value) }
    }

    /// What an existing record means for a new attempt; nil when it no longer blocks it.
    private func settled(_ record: ClaimRecord, _ ticket: Ticket, _ store: inout any KVTransaction, _ now: Double) throws -> Decision? {
        switch record.phase {
        case .completed, .unknown:
            guard let outcome = record.outcome else { return nil }
            return .replay(outcome, remaining: try peekRemaining(ticket, &store, now))
        case .claimed:
            return .inFlight
        case .sent:
            guard let deadline = record.sentDeadline, deadline <= now else { return .inFlight }
            // Its holder never reported back: the invitation may have been sent.
            guard settings.blockUnknown else { return nil }
            let outcome = StoredOutcome(
                kind: .outcomeUnknown, status: 502, format: nil, contentType: nil, body: [], code: "UpstreamOutcomeUnknown",
                windowEnd: deadline + settings.dedupeWindow)
            return .replay(outcome, remaining: try peekRemaining(ticket, &store, now))
        }
    }

    private func peekRemaining(_ ticket: Ticket, _ store: inout any KVTransaction, _ now: Double) throws -> [String: Int] {
        var remaining: [String: Int] = [:]
        for check in ticket.limits where check.kind == .gcra {
            let state = try store.get(Keys.limit(check)).map { try RecordCodec.decode(GCRAState.self, $0.value) }
            remaining[check.policy] = RateLimitMath.gcraRemaining(tat: state?.tat, limit: check.limit, window: check.window, now: now)
        }
        return remaining
    }

    private func write(_ base: ClaimRecord, _ phase: ClaimRecord.Phase, _ outcome: StoredOutcome, _ key: String, expires: Double, _ store: inout any KVTransaction) throws {
        var record = base
        record.phase = phase
        record.outcome = outcome
        try store.put(key, KVRecord(value: try RecordCodec.encode(record), expiresAt: expires))
    }

    private func refundContact(_ ticket: Ticket, stamp: Double, _ store: inout any KVTransaction) throws {
        for check in ticket.limits where check.kind == .rolling {
            let key = Keys.limit(check)
            guard let stored = try store.get(key) else { continue }
            var log = try RecordCodec.decode(WindowLog.self, stored.value)
            if let index = log.stamps.firstIndex(of: stamp) { log.stamps.remove(at: index) }
            try store.put(key, KVRecord(value: try RecordCodec.encode(log), expiresAt: stored.expiresAt))
        }
    }

    enum Keys {
        static func identity(_ identity: String) -> String { "i:" + identity }
        static func limit(_ check: LimitCheck) -> String { "l:" + check.policy + ":" + check.subject }
    }
}
