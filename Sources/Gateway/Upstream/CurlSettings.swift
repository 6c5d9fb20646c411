/// What the engine sets once per pooled handle and on the multi handle.
public struct CurlSettings: Sendable {
    public var maxConnections: Int
    public var maxIdle: Duration
    public var tlsVerify: Bool
    public var caFile: String?
    public var clientCertFile: String?
    public var clientKeyFile: String?

    public init(
        maxConnections: Int = 64, maxIdle: Duration = .seconds(30), tlsVerify: Bool = true,
        caFile: String? = nil, clientCertFile: String? = nil, clientKeyFile: String? = nil
    ) {
        self.maxConnections = maxConnections
        self.maxIdle = maxIdle
        self.tlsVerify = tlsVerify
        self.caFile = caFile
        self.clientCertFile = clientCertFile
        self.clientKeyFile = clientKeyFile
    }
}

/// Per-transfer limits; they come with each request so a reloaded config applies at once.
public struct TransferLimits: Sendable {
    public var connectTimeout: Duration
    public var timeout: Duration
    public var maxResponse: Int

    public init(connectTimeout: Duration = .seconds(2), timeout: Duration = .seconds(10), maxResponse: Int = 1 << 20) {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxResponse = maxResponse
    }
}
