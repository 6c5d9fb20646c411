import NIOCore
import Synchronization

/// The end of the chain: sends the exchange upstream through the libcurl engine and turns the answer,
/// or the failure, into the client's response. Pre-send failures are retried once on a fresh
/// connection; nothing that may have been sent is ever retried.
public struct UpstreamForwarder: Sendable {
    public struct Settings: Sendable {
        public var baseURL: String
        public var limits = TransferLimits()
        public var maxInflight = 256
        public var headers = ForwardHeaders(trustedProxies: [], publicHost: "")
        public var credentials = CredentialForwarding.strip

        public init(baseURL: String) {
            self.baseURL = baseURL
        }
    }

    let settings: Settings
    let engine: CurlEngine
    let inflight: InflightCounter

    public init(settings: Settings, engine: CurlEngine, inflight: InflightCounter) {
        self.settings = settings
        self.engine = engine
        self.inflight = inflight
    }

    public func forward(_ exchange: Exchange) async -> GatewayResponse {
        guard inflight.enter(limit: settings.maxInflight) else {
            return exchange.reply(.overloaded(retryAfter: 1))
        }
        defer { inflight.leave() }
        guard let request = upstreamRequest(for: exchange) else {
            var error = GatewayError(status: 500, code: "InternalError", message: "The resend was not validated; nothing was sent", decision: .invalid)
            error.envelope = .errorResponse
            return exchange.reply(error)
        }
        var record = ExchangeRecord()
        record.decision = exchange.route == .resend ? .forwarded : .passthrough
        var result = await send(request)
        if case .failure(let failure) = result, failure.kind == .notSent {
            var retry = request
            retry.freshConnection = true
            record.retried = true
            result = await send(retry)
        }
        switch result {
        case .success(let answer):
            record.upstreamStatus = answer.status
            record.upstreamDuration = answer.duration
            record.upstreamConnectionsOpened = answer.connectionsOpened
            var headers = ForwardHeaders.response(answer.headers)
            headers.append(HeaderLine("X-Request-Id", exchange.requestId))
            var response = GatewayResponse(status: answer.status, headers: headers, body: answer.body, exchange: exchange)
            response.record = record
            return response
        case .failure(let failure):
            var response = exchange.reply(Self.error(for: failure))
            record.decision = response.record.decision
            record.upstreamFailure = failure.kind
            record.upstreamDuration = failure.duration
            response.record = record
            return response
        }
    }

    private func send(_ request: UpstreamRequest) async -> Result<UpstreamResponse, UpstreamFailure> {
        do {
            return .success(try await engine.send(request, limits: settings.limits))
        } catch let failure as UpstreamFailure {
            return .failure(failure)
        } catch {
            return .failure(UpstreamFailure(kind: .brokenAfterSend, detail: "\(error)", duration: .zero))
        }
    }

    func upstreamRequest(for exchange: Exchange) -> UpstreamRequest? {
        let client = exchange.request
        let hasBody = client.headers[.contentLength] != nil || client.headers[.transferEncoding] != nil
        switch exchange.route {
        case .resend:
            // Never forward a resend the chain did not validate and rebuild.
            guard let canonical = exchange.canonical else { return nil }
            let headers = settings.headers.resend(
                exchange, mediaType: canonical.mediaType, hasBody: canonical.body != nil, credentials: settings.credentials)
            return UpstreamRequest(method: canonical.method, url: settings.baseURL + canonical.target, headers: headers, body: canonical.body)
        case .passthrough, .unclassified:
            let headers = settings.headers.passthrough(exchange)
            return UpstreamRequest(method: client.method, url: settings.baseURL + client.target, headers: headers, body: hasBody ? client.body : nil)
        }
    }

    static func error(for failure: UpstreamFailure) -> GatewayError {
        switch failure.kind {
        case .notSent, .engineStopped: return .upstreamUnavailable(failure.detail)
        case .timedOut: return .upstreamTimeout()
        case .brokenAfterSend, .responseTooLarge: return .upstreamOutcomeUnknown(failure.detail)
        }
    }
}

/// Forwards in progress, for `upstream.max_inflight` admission and the in-flight gauge.
public final class InflightCounter: Sendable {
    private let count = Atomic<Int>(0)

    public init() {}

    public var current: Int { count.load(ordering: .relaxed) }

    func enter(limit: Int) -> Bool {
        let now = count.wrappingAdd(1, ordering: .relaxed).newValue
        if now > limit {
            count.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func leave() {
        count.wrappingSubtract(1, ordering: .relaxed)
    }
}
