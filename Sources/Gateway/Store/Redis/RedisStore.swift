import Foundation
import Logging
import NIOCore

/// The `redis` backend: any number of gateway instances share one Redis and behave as one gateway.
/// Each step is one Lua script (`RedisAdmissionScripts`) — one round trip, atomic in Redis. When an
/// outcome lands, the script publishes the identity; every instance listens (`RedisOutcomeListener`)
/// and wakes its local waiters, so a duplicate waiting on another instance is answered at once.
public final class RedisStore: ResendStore {
    private let client: RedisClient
    private let prefix: String
    private let channel: String
    /// Tests inject a clock; in service every instance uses Redis's.
    private let clock: (@Sendable () -> Double)?
    private let listener: RedisOutcomeListener?

    public init(
        url: RedisURL, prefix: String, timeout: Duration, group: any EventLoopGroup, waits: WaitRegistry?, logger: Logger,
        clock: (@Sendable () -> Double)? = nil
    ) {
        client = RedisClient(url: url, timeout: timeout, group: group)
        self.prefix = prefix
        channel = prefix + "outcomes"
        self.clock = clock
        listener = waits.map { RedisOutcomeListener(url: url, channel: prefix + "outcomes", timeout: timeout, group: group, waits: $0, logger: logger) }
        let client = self.client
        Task { await Self.checkServer(client, logger) }
    }

    public func admit(_ ticket: Admission.Ticket, rules: Admission) async throws -> Admission.Decision {
        try await admit(ticket, rules, action: "")
    }

    /// One script call: a claim is marked sent as it is taken.
    public func admitForSending(_ ticket: Admission.Ticket, rules: Admission) async throws -> Admission.Decision {
        try await admit(ticket, rules, action: "send")
    }

    private func admit(_ ticket: Admission.Ticket, _ rules: Admission, action: String) async throws -> Admission.Decision {
        let (keys, arguments) = call(ticket, rules, action: action)
        let reply = try await client.run(RedisAdmissionScripts.admit, keys: keys, arguments: arguments)
        guard case .array(let items?) = reply, let kind = items.first?.string else { throw unexpected(reply) }
        func remaining(from start: Int) throws -> [String: Int] {
            var remaining: [String: Int] = [:]
            var index = start
            while index + 1 < items.count {
                guard let policy = items[index].string, let value = items[index + 1].string.flatMap(Int.init) else { throw unexpected(reply) }
                remaining[policy] = value
                index += 2
            }
            return remaining
        }
        switch kind {
        case "claimed":
            return .claimed(remaining: try remaining(from: 1))
        case "inflight":
            return .inFlight
        case "mismatch":
            return .mismatch
        case "throttled":
            guard items.count >= 3, let policy = items[1].string, let wait = items[2].string.flatMap(Int.init) else { throw unexpected(reply) }
            return .throttled(policy: policy, retryAfter: wait, remaining: try remaining(from: 3))
        case "replay":
            guard items.count >= 3, let bytes = items[1].bytes, let windowEnd = items[2].string.flatMap(Double.init) else { throw unexpected(reply) }
            var outcome = try RecordCodec.decode(StoredOutcome.self, bytes)
            outcome.windowEnd = windowEnd / 1000
            return .replay(outcome, remaining: try remaining(from: 3))
        case "expired":
            guard items.count >= 2, let deadline = items[1].string.flatMap(Double.init) else { throw unexpected(reply) }
            let outcome = StoredOutcome(
                kind: .outcomeUnknown, status: 502, format: nil, contentType: nil, body: [], code: "UpstreamOutcomeUnknown",
                windowEnd: deadline / 1000 + rules.settings.dedupeWindow)
            return .replay(outcome, remaining: try remaining(from: 2))
        default:
            throw unexpected(reply)
        }
    }

    public func markSent(_ ticket: Admission.Ticket, rules: Admission) async throws -> Bool {
        let (keys, arguments) = call(ticket, rules)
        let reply = try await client.run(RedisAdmissionScripts.markSent, keys: keys, arguments: arguments)
        guard case .integer(let marked) = reply else { throw unexpected(reply) }
        return marked == 1
    }

    public func complete(_ ticket: Admission.Ticket, _ outcome: Admission.Outcome, rules: Admission) async throws {
        let (action, stored): (String, StoredOutcome?) =
            switch outcome {
            case .store(let stored): ("store", stored)
            case .storeUnderKeyOnly(let stored): ("keyonly", stored)
            case .release(let refund): (refund ? "refund" : "release", nil)
            case .unknown(let stored): ("unknown", stored)
            }
        let (keys, arguments) = call(ticket, rules, action: action, outcome: try stored.map { try RecordCodec.encode($0) } ?? [])
        let reply = try await client.run(RedisAdmissionScripts.complete, keys: keys, arguments: arguments)
        guard case .integer = reply else { throw unexpected(reply) }
    }

    /// A write, not a PING: a replica, or a Redis out of memory under `noeviction`, answers PING but
    /// cannot take claims.
    public func probe() async throws {
        let reply = try await client.send(["SET", prefix + "probe", "1", "PX", "10000"])
        guard case .simple("OK") = reply else { throw unexpected(reply) }
    }

    public func close() async {
        await listener?.stop()
        await client.close()
    }

    /// The scripts' KEYS and ARGV (layout in `RedisAdmissionScripts`).
    private func call(_ ticket: Admission.Ticket, _ rules: Admission, action: String = "", outcome: [UInt8] = []) -> ([String], [[UInt8]]) {
        var keys = [prefix + Admission.Keys.identity(ticket.identity)]
        keys += ticket.limits.map { prefix + Admission.Keys.limit($0) }
        if let key = ticket.key { keys.append(prefix + key) }
        let settings = rules.settings
        var arguments: [String] = [
            clock.map { milliseconds($0()) } ?? "", ticket.token, ticket.identity,
            milliseconds(settings.claimTTL), milliseconds(settings.sentTTL), milliseconds(settings.dedupeWindow), milliseconds(settings.keyTTL),
            settings.blockUnknown ? "1" : "0", String(ticket.limits.count), action,
        ]
        var bytes = arguments.map { Array($0.utf8) }
        bytes.append(outcome)
        arguments = [channel]
        for check in ticket.limits {
            arguments += [check.policy, String(check.limit), milliseconds(check.window), check.kind == .gcra ? "g" : "r"]
        }
        bytes += arguments.map { Array($0.utf8) }
        return (keys, bytes)
    }

    private func milliseconds(_ seconds: Double) -> String {
        String(format: "%.3f", seconds * 1000)
    }

    private func unexpected(_ reply: RESPValue) -> StoreError {
        StoreError("redis answered a store step unexpectedly: \(String(describing: reply).prefix(200))")
    }

    /// The scripts need Redis 7 (their shebang). SPEC §6: records evicted under memory pressure would let
    /// duplicates through; every policy but `noeviction` may evict ours (they all carry an expiry, so
    /// the volatile-* policies too).
    private static func checkServer(_ client: RedisClient, _ logger: Logger) async {
        if case .bulk(let info?) = try? await client.send(["INFO", "server"]),
            let line = String(decoding: info, as: UTF8.self).split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("redis_version:") }),
            let major = line.dropFirst("redis_version:".count).split(separator: ".").first.flatMap({ Int($0) }), major < 7
        {
            logger.error("redis \(line.dropFirst("redis_version:".count)) is too old: the store needs Redis 7.0 or later; every resend will be a store error")
        }
        do {
            let reply = try await client.send(["CONFIG", "GET", "maxmemory-policy"])
            guard case .array(let items?) = reply, items.count == 2, let policy = items[1].string else {
                logger.warning("could not read redis's maxmemory-policy; it must be noeviction, or claims can be evicted")
                return
            }
            if policy != "noeviction" {
                logger.warning("redis's maxmemory-policy is \(policy): under memory pressure it can evict claims and let duplicates through; set it to noeviction")
            }
        } catch {
            logger.warning("could not read redis's maxmemory-policy (\(error)); it must be noeviction, or claims can be evicted")
        }
    }
}
