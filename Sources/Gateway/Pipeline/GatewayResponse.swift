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
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
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

    public init() {}
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
