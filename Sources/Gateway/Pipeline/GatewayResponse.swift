import NIOCore

/// What the gateway answers, plus the record of how it got there.
public struct GatewayResponse: Sendable {
    public var status: Int
    public var headers: [HeaderLine]
    public var body: ByteBuffer
    public var record: ExchangeRecord
    /// The exchange as the plugin that answered saw it.
    public var exchange: Exchange
    /// Close the client connection after this response (framing errors).
    public var closeConnection = false

    public init(status: Int, headers: [HeaderLine], body: ByteBuffer, exchange: Exchange) {
        self.status = status
        self.headers = headers
        self.body = body
        self.exchange = exchange
        self.record = ExchangeRecord()
    }

    public init(status: Int, headers: [HeaderLine], body: String, exchange: Exchange) {
        self.init(status: status, headers: headers, body: ByteBuffer(string: body), exchange: exchange)
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }
}

/// The decision taken for a request and what happened upstream: the access log's and metrics' source.
public struct ExchangeRecord: Sendable {
    public var decision: Decision = .forwarded
    /// The limit or check that decided, if any.
    public var policy: String?
    public var upstreamStatus: Int?
    public var upstreamDuration: Duration?
    /// A pre-send failure was retried on a fresh connection.
    public var retried = false
    public var upstreamConnectionsOpened: Int?
    /// Why the upstream gave no usable answer, when it did not.
    public var upstreamFailure: UpstreamFailure.Kind?
    /// What became of the claim: stored, released or unknown.
    public var outcome: ClaimOutcome?
    /// A 16-hex-digit hash of the idempotency key, never the key.
    public var idempotencyKeyHash: String?
    /// Quota left per policy after this request, for the RateLimit headers.
    public var rateLimitRemaining: [String: Int]?
    /// The policy that refused with 429, and its wait.
    public var throttled: (policy: String, retryAfter: Int)?

    public init() {}
}

public enum ClaimOutcome: String, Sendable {
    case stored, released, unknown
}

/// SPEC §5's `decision` values.
public enum Decision: String, Sendable {
    case forwarded, replayed, coalesced, throttled, invalid, unauthorized, conflict, mismatch
    case upstreamError = "upstream_error"
    case upstreamTimeout = "upstream_timeout"
    case storeError = "store_error"
    case shed, passthrough
    case notFound = "not_found"
}
