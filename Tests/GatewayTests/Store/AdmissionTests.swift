import Synchronization
import Testing
@testable import Gateway

/// The claim state machine over the memory store, with a clock the test moves.
@Suite("Admission: claims, outcomes, windows")
struct AdmissionTests {
    final class Clock: Sendable {
        let now = Mutex<Double>(1_000)
        func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
        var read: @Sendable () -> Double { { self.now.withLock { $0 } } }
    }

    let clock = Clock()
    let admission = Admission(settings: .init(claimTTL: 4.25, sentTTL: 12, dedupeWindow: 600, keyTTL: 86_400, blockUnknown: true))
    let contact = Admission.LimitCheck(policy: "contact", subject: "c1", limit: 2, window: 3600, kind: .rolling)

    func store() -> MemoryStore { MemoryStore(clock: clock.read) }

    func ticket(_ identity: String = "a:b", key: String? = nil, limits: [Admission.LimitCheck] = []) -> Admission.Ticket {
        Admission.Ticket(identity: identity, key: key, limits: limits, token: RequestID.generate())
    }

    func admit(_ store: MemoryStore, _ ticket: Admission.Ticket) async throws -> Admission.Decision {
        let admission = self.admission
        return try await store.transact { try admission.admit(ticket, in: &$0, now: $1) }
    }

    func sent(_ store: MemoryStore, _ ticket: Admission.Ticket) async throws -> Bool {
        let admission = self.admission
        return try await store.transact { try admission.markSent(ticket, in: &$0, now: $1) }
    }

    func complete(_ store: MemoryStore, _ ticket: Admission.Ticket, _ outcome: Admission.Outcome) async throws {
        let admission = self.admission
        try await store.transact { try admission.complete(ticket, outcome, in: &$0, now: $1) }
    }

    static let ok = StoredOutcome(kind: .response, status: 200, format: "json", contentType: "application/json; charset=utf-8", body: Array("{}".utf8))

    @Test func aSecondCopyWaitsThenIsReplayedUntilTheWindowEnds() async throws {
        let store = store()
        let first = ticket()
        #expect(try await admit(store, first) == .claimed(remaining: [:]))
        #expect(try await admit(store, ticket()) == .inFlight)
        #expect(try await sent(store, first))
        #expect(try await admit(store, ticket()) == .inFlight)
        try await complete(store, first, .store(Self.ok))
        guard case .replay(let outcome, _) = try await admit(store, ticket()) else { Issue.record("not replayed"); return }
        #expect(outcome.status == 200 && outcome.windowEnd == 1_600)
        clock.advance(600)
        #expect(try await admit(store, ticket()) == .claimed(remaining: [:]))
    }

    @Test func aReleasedClaimLetsTheNextCopyThroughAndRefundsTheContact() async throws {
        let store = store()
        let first = ticket(limits: [contact])
        #expect(try await admit(store, first) == .claimed(remaining: ["contact": 1]))
        #expect(try await sent(store, first))
        try await complete(store, first, .release(refund: true))
        #expect(try await admit(store, ticket(limits: [contact])) == .claimed(remaining: ["contact": 1]))
    }

    @Test func aClaimWhoseHolderDiedFreesButASentOneBecomesUnknown() async throws {
        let store = store()
        let dead = ticket()
        _ = try await admit(store, dead)
        clock.advance(4.3)
        let next = ticket()
        #expect(try await admit(store, next) == .claimed(remaining: [:]))
        #expect(try await sent(store, dead) == false, "the dead holder lost its claim")
        #expect(try await sent(store, next))
        clock.advance(12)
        guard case .replay(let outcome, _) = try await admit(store, ticket()) else { Issue.record("not blocked"); return }
        #expect(outcome.kind == .outcomeUnknown && outcome.status == 502)
        let expected: Double = 1_000 + 4.3 + 12 + 600
        #expect(abs(outcome.windowEnd - expected) < 0.001)
    }

    @Test func anUnknownOutcomeBlocksTheIdentityForTheWindow() async throws {
        let store = store()
        let first = ticket()
        _ = try await admit(store, first)
        _ = try await sent(store, first)
        try await complete(store, first, .unknown(StoredOutcome(kind: .outcomeUnknown, status: 504, format: nil, contentType: nil, body: [], code: "UpstreamTimeout")))
        guard case .replay(let outcome, _) = try await admit(store, ticket()) else { Issue.record("not blocked"); return }
        #expect(outcome.code == "UpstreamTimeout")
        clock.advance(601)
        #expect(try await admit(store, ticket()) == .claimed(remaining: [:]))
    }

    @Test func aKeyIsScopedToOneIdentityAndOutlivesTheDedupeWindow() async throws {
        let store = store()
        let first = ticket("a:b", key: "k:1")
        _ = try await admit(store, first)
        #expect(try await admit(store, ticket("a:c", key: "k:1")) == .mismatch)
        _ = try await sent(store, first)
        try await complete(store, first, .store(Self.ok))
        clock.advance(3600)
        guard case .replay = try await admit(store, ticket("a:b", key: "k:1")) else { Issue.record("key not replayed"); return }
        #expect(try await admit(store, ticket("a:b")) == .claimed(remaining: [:]), "identity window is over")
    }

    @Test func aDeterministic4xxIsStoredUnderTheKeyOnly() async throws {
        let store = store()
        let first = ticket("a:b", key: "k:2")
        _ = try await admit(store, first)
        _ = try await sent(store, first)
        let notFound = StoredOutcome(kind: .response, status: 404, format: nil, contentType: nil, body: [])
        try await complete(store, first, .storeUnderKeyOnly(notFound))
        guard case .replay(let outcome, _) = try await admit(store, ticket("a:b", key: "k:2")) else { Issue.record("key not replayed"); return }
        #expect(outcome.status == 404)
        #expect(try await admit(store, ticket("a:b")) == .claimed(remaining: [:]))
    }

    @Test func thePerContactLimitIsExactAndRefusalsTakeNothing() async throws {
        let store = store()
        #expect(try await admit(store, ticket("1:c1", limits: [contact])) == .claimed(remaining: ["contact": 1]))
        clock.advance(10)
        #expect(try await admit(store, ticket("2:c1", limits: [contact])) == .claimed(remaining: ["contact": 0]))
        clock.advance(10)
        #expect(try await admit(store, ticket("3:c1", limits: [contact])) == .throttled(policy: "contact", retryAfter: 3580, remaining: ["contact": 0]))
        #expect(try await admit(store, ticket("3:c1", limits: [contact])) == .throttled(policy: "contact", retryAfter: 3580, remaining: ["contact": 0]))
        clock.advance(3580)
        #expect(try await admit(store, ticket("3:c1", limits: [contact])) == .claimed(remaining: ["contact": 0]))
    }

    @Test func theMostRestrictiveViolatedPolicyAnswers() async throws {
        let store = store()
        let principal = Admission.LimitCheck(policy: "principal", subject: "crm", limit: 1, window: 60, kind: .gcra)
        let tight = Admission.LimitCheck(policy: "contact", subject: "c9", limit: 1, window: 3600, kind: .rolling)
        _ = try await admit(store, ticket("1:c9", limits: [principal, tight]))
        guard case .throttled(let policy, let wait, _) = try await admit(store, ticket("2:c9", limits: [principal, tight])) else {
            Issue.record("not throttled"); return
        }
        #expect(policy == "contact" && wait == 3600)
    }
}
