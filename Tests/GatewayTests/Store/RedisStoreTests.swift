import Logging
import NIOCore
import NIOPosix
import Testing
@testable import Gateway

/// The Redis backend against a real Redis: atomicity under concurrency, script caching, key hygiene,
/// credentials, and failing the way `store.on_error` expects.
@Suite("Redis store")
struct RedisStoreTests {
    let rules = Admission(settings: .init(claimTTL: 5, sentTTL: 10, dedupeWindow: 600, keyTTL: 86_400, blockUnknown: true))

    /// A generous timeout: these tests are about behaviour, not speed, and run beside many others.
    func store(_ url: String = RedisTestServer.shared.url, prefix: String = RedisTestServer.uniquePrefix(), timeout: Duration = .seconds(10)) throws -> RedisStore {
        RedisStore(url: try RedisURL(parsing: url), prefix: prefix, timeout: timeout, group: MultiThreadedEventLoopGroup.singleton, waits: nil, logger: Logger(label: "test"))
    }

    func ticket(_ identity: String, key: String? = nil, limits: [Admission.LimitCheck] = []) -> Admission.Ticket {
        Admission.Ticket(identity: identity, key: key, limits: limits, token: RequestID.generate())
    }

    func raw(_ url: String = RedisTestServer.shared.url) throws -> RedisClient {
        RedisClient(url: try RedisURL(parsing: url), timeout: .seconds(10), group: MultiThreadedEventLoopGroup.singleton)
    }

    @Test func fiftyConcurrentCopiesMakeExactlyOneClaim() async throws {
        let store = try store()
        let decisions = try await withThrowingTaskGroup(of: Admission.Decision.self) { group in
            for _ in 0..<50 { group.addTask { try await store.admit(ticket("r:c"), rules: rules) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(decisions.filter { if case .claimed = $0 { true } else { false } }.count == 1)
        #expect(decisions.filter { $0 == .inFlight }.count == 49)
        await store.close()
    }

    @Test func aContactLimitIsExactUnderConcurrency() async throws {
        let store = try store()
        let contact = Admission.LimitCheck(policy: "contact", subject: "c", limit: 3, window: 3600, kind: .rolling)
        let decisions = try await withThrowingTaskGroup(of: Admission.Decision.self) { group in
            for index in 0..<20 { group.addTask { try await store.admit(ticket("\(index):c", limits: [contact]), rules: rules) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(decisions.filter { if case .claimed = $0 { true } else { false } }.count == 3)
        #expect(decisions.filter { if case .throttled(policy: "contact", _, _) = $0 { true } else { false } }.count == 17)
        await store.close()
    }

    @Test func scriptsAreReloadedAfterRedisForgetsThem() async throws {
        let store = try store()
        let first = ticket("a:b")
        #expect(try await store.admit(first, rules: rules) == .claimed(remaining: [:]))
        let client = try raw()
        #expect(try await client.send(["SCRIPT", "FLUSH"]) == .simple("OK"))
        #expect(try await store.markSent(first, rules: rules))
        await client.close()
        await store.close()
    }

    @Test func everyKeyIsUnderThePrefixAndExpires() async throws {
        let prefix = RedisTestServer.uniquePrefix()
        let store = try store(prefix: prefix)
        let limits = [
            Admission.LimitCheck(policy: "principal", subject: "p", limit: 10, window: 60, kind: .gcra),
            Admission.LimitCheck(policy: "contact", subject: "c", limit: 3, window: 3600, kind: .rolling),
        ]
        let done = ticket("x:y", key: "k:abc", limits: limits)
        _ = try await store.admit(done, rules: rules)
        #expect(try await store.markSent(done, rules: rules))
        try await store.complete(done, .store(StoredOutcome(kind: .response, status: 200, format: "json", contentType: "application/json", body: Array("{}".utf8))), rules: rules)
        try await store.probe()
        let client = try raw()
        guard case .array(let keys?) = try await client.send(["KEYS", prefix + "*"]) else { Issue.record("no keys"); return }
        #expect(keys.count == 5, "identity, key, two limits, probe: \(keys)")
        for key in keys.compactMap(\.string) {
            guard case .integer(let ttl) = try await client.send(["PTTL", key]) else { Issue.record("no ttl"); continue }
            #expect(ttl > 0, "\(key) has an expiry")
        }
        await client.close()
        await store.close()
    }

    @Test func credentialsAndDatabaseFromTheURL() async throws {
        let redis = try RedisTestServer.start(arguments: ["--requirepass", "s3cret-pass"])
        defer { redis.stop() }
        let good = try store("redis://:s3cret-pass@127.0.0.1:\(redis.port)/3")
        let first = ticket("a:b")
        #expect(try await good.admit(first, rules: rules) == .claimed(remaining: [:]))
        let db3 = try raw("redis://:s3cret-pass@127.0.0.1:\(redis.port)/3")
        #expect(try await db3.send(["DBSIZE"]) == .integer(1), "the claim is in database 3")
        let wrong = try store("redis://:wrong-pass@127.0.0.1:\(redis.port)/3")
        do {
            _ = try await wrong.admit(ticket("a:c"), rules: rules)
            Issue.record("a wrong password was accepted")
        } catch let error as StoreError {
            #expect(error.description.contains("AUTH"))
            #expect(!error.description.contains("wrong-pass"), "the password never appears in errors")
        }
        await good.close()
        await wrong.close()
        await db3.close()
    }

    @Test func aFullRedisIsNotReadyAndRefusesClaims() async throws {
        let redis = try RedisTestServer.start(arguments: ["--maxmemory", "4mb"])
        defer { redis.stop() }
        let store = try store(redis.url)
        try await store.probe()
        let client = try raw(redis.url)
        // Small values: a big one is refused for its own size and leaves room for the next write.
        let ballast = [UInt8](repeating: 0x61, count: 4 * 1024)
        var full = false
        for index in 0..<4096 where !full {
            let reply = try await client.send([Array("SET".utf8), Array("ballast:\(index)".utf8), ballast])
            full = reply.errorMessage?.hasPrefix("OOM") == true
        }
        #expect(full, "Redis refused writes once full")
        await #expect(throws: StoreError.self, "the readiness probe is a write") { try await store.probe() }
        await #expect(throws: StoreError.self) { try await store.admit(ticket("a:b"), rules: rules) }
        await client.close()
        await store.close()
    }

    @Test func anUnreachableRedisFailsFastAsAStoreError() async throws {
        // Alone this takes milliseconds; beside the whole suite under a sanitizer, seconds. The bound is
        // a third of one store.timeout: calls that waited for the timeout would each take all of it.
        let store = try store("redis://127.0.0.1:\(try closedPort())/0", timeout: .seconds(30))
        let started = ContinuousClock.now
        for _ in 0..<5 {
            await #expect(throws: StoreError.self) { try await store.admit(ticket("a:b"), rules: rules) }
        }
        await #expect(throws: StoreError.self) { try await store.probe() }
        #expect(ContinuousClock.now - started < .seconds(10), "refused connections and backoff answer at once, well before one store.timeout")
        await store.close()
    }

    @Test func aServerThatStopsAnsweringIsAStoreErrorWithinTheTimeout() async throws {
        let redis = try RedisTestServer.start()
        defer { redis.stop() }
        let store = try store(redis.url, timeout: .seconds(1))
        var warmed = false
        for _ in 0..<20 where !warmed {
            warmed = (try? await store.admit(ticket("a:b"), rules: rules)) != nil
        }
        #expect(warmed)
        redis.freeze()
        let started = ContinuousClock.now
        await #expect(throws: StoreError.self) { try await store.admit(ticket("a:c"), rules: rules) }
        #expect(ContinuousClock.now - started < .seconds(4), "given up after store.timeout, not hanging")
        redis.thaw()
        // A fresh resend each attempt: an attempt that timed out on a busy machine may still have
        // claimed its resend on the server, and its retry would rightly find it in flight.
        var decision: Admission.Decision?
        for attempt in 0..<20 where decision == nil {
            decision = try? await store.admit(ticket("a:d\(attempt)"), rules: rules)
            if decision == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(decision == .claimed(remaining: [:]), "a fresh connection works")
        await store.close()
    }
}
