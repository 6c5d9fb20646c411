import HTTPTypes
import Foundation
import Logging

/// No duplicate invitations (SPEC §4.5): one atomic store step decides whether a resend is replayed,
/// waits for a copy in flight, is refused (422, 429) or claims the right to go upstream; a claim is
/// marked sent in the same visit to the store, before anything is forwarded, and the outcome recorded
/// when the answer — or the failure — comes back. Identity dedupe applies to every resend; an
/// `Idempotency-Key` adds key replay and 422.
public struct IdempotencyPlugin: GatewayPlugin {
    public struct Settings: Sendable {
        public var header = "Idempotency-Key"
        public var required = false
        public var coalesceWait: Duration = .seconds(5)
        public var maxWaiters = 64
        public var releaseStatuses: Set<Int> = [502, 503, 504]
        public var allowOnStoreError = false
        public var admission: Admission.Settings
        public var style = WireStyle()

        public init(admission: Admission.Settings) {
            self.admission = admission
        }
    }

    let settings: Settings
    let store: any ResendStore
    let waits: WaitRegistry
    let logger: Logger

    public init(settings: Settings, store: any ResendStore, waits: WaitRegistry, logger: Logger) {
        self.settings = settings
        self.store = store
        self.waits = waits
        self.logger = logger
    }

    public func handle(_ exchange: Exchange, next: PluginNext) async throws -> GatewayResponse {
        guard exchange.route == .resend, let resend = exchange.resend else { return try await next(exchange) }
        let key: String?
        switch IdempotencyKeyHeader.parse(exchange.request.headers.values(named: settings.header)) {
        case .invalid(let reason):
            return exchange.reply(GatewayError(status: 400, code: "IdempotencyKeyInvalid", message: "Invalid \(settings.header): \(reason)", decision: .invalid, policy: "key"))
        case .absent:
            if settings.required {
                return exchange.reply(GatewayError(status: 400, code: "IdempotencyKeyMissing", message: "An \(settings.header) header is required", decision: .invalid, policy: "key"))
            }
            key = nil
        case .key(let value):
            key = value
        }
        let scope = exchange.principal ?? "anonymous"
        let keyDigest = key.map { Digest.sha256Hex(scope + "\n" + $0) }
        let identity = "\(resend.connectionRequestId):\(resend.contactId)"
        let ticket = Admission.Ticket(identity: identity, key: keyDigest.map { "k:" + $0 }, limits: exchange.limits, token: RequestID.generate())
        let admission = Admission(settings: settings.admission)
        var response: GatewayResponse
        do {
            response = try await admit(ticket, admission, exchange, next)
        } catch let error as StoreError {
            response = try await storeFailed(error, exchange, next)
        }
        response.record.idempotencyKeyHash = keyDigest.map { String($0.prefix(16)) }
        return response
    }

    private func admit(_ ticket: Admission.Ticket, _ admission: Admission, _ exchange: Exchange, _ next: PluginNext) async throws -> GatewayResponse {
        let deadline = ContinuousClock.now + settings.coalesceWait
        var waited = false
        while true {
            let decision = try await store.admitForSending(ticket, rules: admission)
            switch decision {
            case .claimed(let remaining):
                var response = try await forward(ticket, admission, exchange, next)
                response.record.rateLimitRemaining = remaining
                return response
            case .replay(let outcome, let remaining):
                var response = replay(outcome, exchange)
                response.record.decision = waited ? .coalesced : .replayed
                response.record.rateLimitRemaining = remaining
                return response
            case .mismatch:
                return exchange.reply(GatewayError(
                    status: 422, code: "IdempotencyKeyReused", message: "This \(settings.header) was used for another resend", decision: .mismatch, policy: "key"))
            case .throttled(let policy, let retryAfter, let remaining):
                var response = exchange.reply(GatewayError(
                    status: 429, code: "TooManyRequests", message: "Too many resends (\(policy) limit); retry in \(retryAfter) s", decision: .throttled,
                    policy: policy, headers: [HeaderLine("Retry-After", String(retryAfter))]))
                response.record.rateLimitRemaining = remaining
                response.record.throttled = (policy, retryAfter)
                return response
            case .inFlight:
                let left = deadline - ContinuousClock.now
                // Within one process a waiter is woken when the outcome lands; the short cap is the
                // fallback for a claim held by another instance or by one that died.
                guard left > .zero, await waits.wait(for: ticket.identity, timeout: min(left, .milliseconds(250)), maxWaiters: settings.maxWaiters) else {
                    return conflict(exchange)
                }
                waited = true
            }
        }
    }

    /// The claim is marked sent (`admitForSending`): from here on its outcome is recorded, whatever it is.
    private func forward(_ ticket: Admission.Ticket, _ admission: Admission, _ exchange: Exchange, _ next: PluginNext) async throws -> GatewayResponse {
        var response = try await next(exchange)
        let outcome = classify(response, keyed: ticket.key != nil)
        do {
            try await store.complete(ticket, outcome, rules: admission)
        } catch {
            // The sent claim stays and turns outcome-unknown at its deadline: safe, never a duplicate.
            logger.error("recording a resend outcome failed: \(error)")
        }
        waits.wake(ticket.identity)
        switch outcome {
        case .store, .storeUnderKeyOnly: response.record.outcome = .stored
        case .release: response.record.outcome = .released
        case .unknown:
            response.record.outcome = .unknown
            if settings.admission.blockUnknown, response.header("Retry-After") == nil {
                response.headers.append(HeaderLine("Retry-After", String(Int(settings.admission.dedupeWindow.rounded(.up)))))
            }
        }
        return response
    }

    /// SPEC §4.5's outcome rules.
    func classify(_ response: GatewayResponse, keyed: Bool) -> Admission.Outcome {
        guard let status = response.record.upstreamStatus else {
            switch response.record.upstreamFailure {
            case .timedOut:
                return .unknown(StoredOutcome(kind: .outcomeUnknown, status: 504, format: nil, contentType: nil, body: [], code: "UpstreamTimeout"))
            case .brokenAfterSend, .responseTooLarge:
                return .unknown(StoredOutcome(kind: .outcomeUnknown, status: 502, format: nil, contentType: nil, body: [], code: "UpstreamOutcomeUnknown"))
            case .notSent, .engineStopped, nil:
                // Nothing reached the upstream (or the gateway refused before sending, e.g. shed).
                return .release(refund: true)
            }
        }
        let stored = StoredOutcome(
            kind: .response, status: status, format: TranslatePlugin.format(ofContentType: response.header("Content-Type"))?.rawValue,
            contentType: response.header("Content-Type"), body: Array(response.body.readableBytesView))
        switch status {
        case 200..<300: return .store(stored)
        case _ where settings.releaseStatuses.contains(status): return .release(refund: false)
        case 401, 403: return .release(refund: true)
        case 400, 404, 405, 409, 422: return keyed ? .storeUnderKeyOnly(stored) : .release(refund: false)
        case 300..<500: return .release(refund: false)
        default: return .unknown(stored)
        }
    }

    private func replay(_ outcome: StoredOutcome, _ exchange: Exchange) -> GatewayResponse {
        let now = Date().timeIntervalSince1970
        let retryAfter = String(max(1, Int((outcome.windowEnd - now).rounded(.up))))
        switch outcome.kind {
        case .outcomeUnknown:
            let error: GatewayError = outcome.code == "UpstreamTimeout" ? .upstreamTimeout() : .upstreamOutcomeUnknown("a previous attempt")
            var response = exchange.reply(error)
            response.headers.append(HeaderLine("Retry-After", retryAfter))
            response.headers.append(HeaderLine("Idempotent-Replayed", "true"))
            return response
        case .response:
            var body = outcome.body
            var contentType = outcome.contentType
            if let stored = outcome.format.flatMap(WireFormat.init(rawValue:)), stored != exchange.format {
                if let translated = DTOTranslation.translateResponse(body: body, from: stored, to: exchange.format, style: settings.style, scrubDebug: false) {
                    body = translated
                    contentType = ContentTypes.of(exchange.format)
                }
            }
            var headers = [HeaderLine("Idempotent-Replayed", "true")]
            if let contentType { headers.append(HeaderLine("Content-Type", contentType)) }
            if outcome.status >= 500 { headers.append(HeaderLine("Retry-After", retryAfter)) }
            return GatewayResponse(status: outcome.status, headers: headers, body: .init(bytes: body), exchange: exchange)
        }
    }

    private func conflict(_ exchange: Exchange) -> GatewayResponse {
        exchange.reply(GatewayError(
            status: 409, code: "Conflict", message: "The same resend is already in progress; retry shortly", decision: .conflict,
            headers: [HeaderLine("Retry-After", "1")]))
    }

    private func storeFailed(_ error: StoreError, _ exchange: Exchange, _ next: PluginNext) async throws -> GatewayResponse {
        logger.error("state store failed: \(error)")
        guard settings.allowOnStoreError else {
            return exchange.reply(GatewayError(
                status: 503, code: "StoreUnavailable", message: "The gateway cannot check for duplicates right now; retry later", decision: .storeError,
                headers: [HeaderLine("Retry-After", "1")]))
        }
        // store.on_error = "allow": forwarded without duplicate or flood protection, and the log says so.
        var response = try await next(exchange)
        response.record.policy = "store_bypassed"
        return response
    }

}

extension HTTPFields {
    func values(named name: String) -> [String] {
        guard let fieldName = HTTPField.Name(name) else { return [] }
        return self[values: fieldName]
    }
}

extension IdempotencyPlugin.Settings {
    public init(_ config: GatewayConfig) {
        let upstream = config.upstream
        let idempotency = config.idempotency
        self.init(
            admission: Admission.Settings(
                claimTTL: (upstream.connectTimeout * 2 + config.store.timeout).seconds, sentTTL: (upstream.timeout + upstream.connectTimeout).seconds,
                dedupeWindow: idempotency.dedupeWindow.seconds, keyTTL: idempotency.keyTTL.seconds, blockUnknown: idempotency.unknownOutcome == .block))
        header = idempotency.header
        required = idempotency.required
        coalesceWait = idempotency.coalesceWait
        maxWaiters = idempotency.maxWaiters
        releaseStatuses = Set(upstream.releaseStatuses)
        allowOnStoreError = config.store.onError == .allow
        style = WireStyle(jsonCase: upstream.jsonCase, xmlNamespace: upstream.xmlNamespace)
    }
}
