import Foundation
import Logging
import NIOPosix
import NIOConcurrencyHelpers
import Testing
@testable import Gateway

/// The claim state machine, with a clock the test moves: every scenario runs against the Swift rules
/// (memory store; SQLite, whose admissions may also be answered from its in-memory mirror) and against
/// the Lua rules in a real Redis, which must all agree.
@Suite("Admission: claims, outcomes, windows")
struct AdmissionTests {
    final class Clock: Sendable {
        let now = NIOLockedValueBox<Double>(1_000)
        func advance(_ seconds: Double) { now.withLockedValue { $0 += seconds } }
        var read: @Sendable () -> Double { { self.now.withLockedValue { $0 } } }
    }

    let clock = Clock()
    let admission = Admission(settings: .init(claimTTL: 4.25, sentTTL: 12, dedupeWindow: 600, keyTTL: 86_400, blockUnknown: true))
    let contact = Admission.LimitCheck(policy: "contact", subject: "c1", limit: 2, window: 3600, kind: .rolling)

    enum Backend: CaseIterable, Sendable {
        case memory, sqlite, redis
    }

    func store(_ backend: Backend) throws -> any ResendStore {
        switch backend {
        case .memory:
            return TransactionalResendStore(MemoryStore(clock: clock.read))
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("admission-\(UUID().uuidString)")
            let path = directory.appendingPathComponent("state.db").path
            return TransactionalResendStore(try SQLiteStore(path: path, timeout: .seconds(10), clock: clock.read, purgeInterval: .seconds(3600)))
        case .redis:
            return RedisStore(
                url: try RedisURL(parsing: RedisTestServer.shared.url), prefix: RedisTestServer.uniquePrefix(), timeout: .seconds(10),
                group: MultiThreadedEventLoopGroup.singleton, waits: nil, logger: Logger(label: "test"), clock: clock.read)
        }
    }

    func ticket(_ identity: String = "a:b", key: String? = nil, limits: [Admission.LimitCheck] = []) -> Admission.Ticket {
        Admission.Ticket(identity: identity, key: key, limits: limits, token: RequestID.generate())
    }

    func admit(_ store: any ResendStore, _ ticket: Admission.Ticket) async throws -> Admission.Decision {
        try await store.admit(ticket, rules: admission)
    }

    func sent(_ store: any ResendStore, _ ticket: Admission.Ticket) async throws -> Bool {
        try await store.markSent(ticket, rules: admission)
    }

    func complete(_ store: any ResendStore, _ ticket: Admission.Ticket, _ outcome: Admission.Outcome) async throws {
        try await store.complete(ticket, outcome, rules: admission)
    }

    static let ok = StoredOutcome(kind: .response, status: 200, format: "json", contentType: "application/json; charset=utf-8", body: Array("{}".utf8))

    @Test(arguments: Backend.allCases) func aSecondCopyWaitsThenIsReplayedUntilTheWindowEnds(_ backend: Backend) async throws {
        let store = try store(backend)
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

    @Test(arguments: Backend.allCases) func aReleasedClaimLetsTheNextCopyThroughAndRefundsTheContact(_ backend: Backend) async throws {
        let store = try store(backend)
        let first = ticket(limits: [contact])
        #expect(try await admit(store, first) == .claimed(remaining: ["contact": 1]))
        #expect(try await sent(store, first))
        try await complete(store, first, .release(refund: true))
        #expect(try await admit(store, ticket(limits: [contact])) == .claimed(remaining: ["contact": 1]))
    }

    @Test(arguments: Backend.allCases) func aClaimWhoseHolderDiedFreesButASentOneBecomesUnknown(_ backend: Backend) async throws {
        let store = try store(backend)
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

    /// What the gateway runs for every resend: the claim comes back already marked sent.
    @Test(arguments: Backend.allCases) func admittingForSendingMarksTheClaimSentInTheSameCall(_ backend: Backend) async throws {
        let store = try store(backend)
        let first = ticket(limits: [contact])
        #expect(try await store.admitForSending(first, rules: admission) == .claimed(remaining: ["contact": 1]))
        #expect(try await sent(store, first) == false, "the claim was not left in the claimed phase")
        // Past the claim TTL an unsent claim would be free; a sent one waits for its outcome.
        clock.advance(4.3)
        #expect(try await store.admitForSending(ticket(limits: [contact]), rules: admission) == .inFlight)
        clock.advance(12)
        guard case .replay(let outcome, _) = try await store.admitForSending(ticket(limits: [contact]), rules: admission) else {
            Issue.record("a sent claim whose holder never reported back was not blocked"); return
        }
        #expect(outcome.kind == .outcomeUnknown && outcome.status == 502)
    }

    @Test(arguments: Backend.allCases) func admittingForSendingReplaysAndRefusesWithoutTakingAnything(_ backend: Backend) async throws {
        let store = try store(backend)
        let tight = Admission.LimitCheck(policy: "contact", subject: "c3", limit: 1, window: 3600, kind: .rolling)
        let first = ticket("1:c3", limits: [tight])
        #expect(try await store.admitForSending(first, rules: admission) == .claimed(remaining: ["contact": 0]))
        try await complete(store, first, .store(Self.ok))
        guard case .replay(let outcome, _) = try await store.admitForSending(ticket("1:c3", limits: [tight]), rules: admission) else {
            Issue.record("not replayed"); return
        }
        #expect(outcome.status == 200)
        let refused = ticket("2:c3", limits: [tight])
        #expect(try await store.admitForSending(refused, rules: admission) == .throttled(policy: "contact", retryAfter: 3600, remaining: ["contact": 0]))
        #expect(try await sent(store, refused) == false, "a refused resend holds no claim")
    }

    @Test(arguments: Backend.allCases) func anUnknownOutcomeBlocksTheIdentityForTheWindow(_ backend: Backend) async throws {
        let store = try store(backend)
        let first = ticket()
        _ = try await admit(store, first)
        _ = try await sent(store, first)
        try await complete(store, first, .unknown(StoredOutcome(kind: .outcomeUnknown, status: 504, format: nil, contentType: nil, body: [], code: "UpstreamTimeout")))
        guard case .replay(let outcome, _) = try await admit(store, ticket()) else { Issue.record("not blocked"); return }
        #expect(outcome.code == "UpstreamTimeout")
        clock.advance(601)
        #expect(try await admit(store, ticket()) == .claimed(remaining: [:]))
    }

    @Test(arguments: Backend.allCases) func aKeyIsScopedToOneIdentityAndOutlivesTheDedupeWindow(_ backend: Backend) async throws {
        let store = try store(backend)
        let first = ticket("a:b", key: "k:1")
        _ = try await admit(store, first)
        #expect(try await admit(store, ticket("a:c", key: "k:1")) == .mismatch)
        _ = try await sent(store, first)
        try await complete(store, first, .store(Self.ok))
        clock.advance(3600)
        guard case .replay = try await admit(store, ticket("a:b", key: "k:1")) else { Issue.record("key not replayed"); return }
        #expect(try await admit(store, ticket("a:b")) == .claimed(remaining: [:]), "identity window is over")
    }

    @Test(arguments: Backend.allCases) func aDeterministic4xxIsStoredUnderTheKeyOnly(_ backend: Backend) async throws {
        let store = try store(backend)
        let first = ticket("a:b", key: "k:2")
        _ = try await admit(store, first)
        _ = try await sent(store, first)
        let notFound = StoredOutcome(kind: .response, status: 404, format: nil, contentType: nil, body: [])
        try await complete(store, first, .storeUnderKeyOnly(notFound))
        guard case .replay(let outcome, _) = try await admit(store, ticket("a:b", key: "k:2")) else { Issue.record("key not replayed"); return }
        #expect(outcome.status == 404)
        #expect(try await admit(store, ticket("a:b")) == .claimed(remaining: [:]))
    }

    @Test(arguments: Backend.allCases) func thePerContactLimitIsExactAndRefusalsTakeNothing(_ backend: Backend) async throws {
        let store = try store(backend)
        #expect(try await admit(store, ticket("1:c1", limits: [contact])) == .claimed(remaining: ["contact": 1]))
        clock.advance(10)
        #expect(try await admit(store, ticket("2:c1", limits: [contact])) == .claimed(remaining: ["contact": 0]))
        clock.advance(10)
        #expect(try await admit(store, ticket("3:c1", limits: [contact])) == .throttled(policy: "contact", retryAfter: 3580, remaining: ["contact": 0]))
        #expect(try await admit(store, ticket("3:c1", limits: [contact])) == .throttled(policy: "contact", retryAfter: 3580, remaining: ["contact": 0]))
        clock.advance(3580)
        #expect(try await admit(store, ticket("3:c1", limits: [contact])) == .claimed(remaining: ["contact": 0]))
    }

    @Test(arguments: Backend.allCases) func theMostRestrictiveViolatedPolicyAnswers(_ backend: Backend) async throws {
        let store = try store(backend)
        let principal = Admission.LimitCheck(policy: "principal", subject: "crm", limit: 1, window: 60, kind: .gcra)
        let tight = Admission.LimitCheck(policy: "contact", subject: "c9", limit: 1, window: 3600, kind: .rolling)
        _ = try await admit(store, ticket("1:c9", limits: [principal, tight]))
        guard case .throttled(let policy, let wait, _) = try await admit(store, ticket("2:c9", limits: [principal, tight])) else {
            Issue.record("not throttled"); return
        }
        #expect(policy == "contact" && wait == 3600)
    }
}
