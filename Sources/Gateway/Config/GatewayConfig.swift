// The typed configuration of the gateway: what `gateway.conf` (SPEC §3) turns into once loaded.
// Plain values only; parsing lives in ConfigLoader, defaults in ConfigDefaults.

public struct GatewayConfig: Sendable, Equatable {
    public var server: ServerConfig
    public var admin: AdminConfig
    public var upstream: UpstreamConfig
    public var routes: RoutesConfig
    public var auth: AuthConfig
    public var idempotency: IdempotencyConfig
    public var throttle: ThrottleConfig
    public var store: StoreConfig
    public var accessLog: AccessLogConfig
}

public struct ServerConfig: Sendable, Equatable {
    public var listen: HostPort
    public var maxBody: Int
    public var maxHeaderBytes: Int
    public var maxConnections: Int
    public var idleTimeout: Duration
    public var requestTimeout: Duration
    public var drainDelay: Duration
    public var shutdownGrace: Duration
    public var trustedProxies: [CIDR]
    public var publicHost: String
    public var defaultFormat: WireFormat
}

public struct AdminConfig: Sendable, Equatable {
    public var listen: HostPort
}

public struct UpstreamConfig: Sendable, Equatable {
    public var url: UpstreamURL
    public var format: UpstreamFormat
    public var jsonCase: JSONCase
    public var xmlNamespace: String
    public var connectTimeout: Duration
    public var timeout: Duration
    public var maxConnections: Int
    public var maxIdle: Duration
    public var maxInflight: Int
    public var maxResponse: Int
    public var releaseStatuses: [Int]
    public var scrubDebug: Bool
    public var tlsVerify: Bool
    public var caFile: String?
    public var clientCertFile: String?
    public var clientKeyFile: String?
}

public struct RoutesConfig: Sendable, Equatable {
    public var passthrough: Bool
    /// Upper-cased HTTP methods.
    public var resendMethods: [String]
}

public struct AuthConfig: Sendable, Equatable {
    public var mode: AuthMode
    public var upstreamCredentials: UpstreamCredentials
    public var upstreamAuthorization: SecretSource?
    public var apiKeys: [APIKeyEntry]
    public var jwt: JWTConfig?
}

public struct APIKeyEntry: Sendable, Equatable {
    public var name: String
    /// The 32-byte SHA-256 digest of the key.
    public var sha256: [UInt8]

    public init(name: String, sha256: [UInt8]) {
        self.name = name
        self.sha256 = sha256
    }
}

public struct JWTConfig: Sendable, Equatable {
    public var hs256Secret: SecretSource?
    public var jwksFile: String?
    public var issuer: String?
    public var audience: String?
    public var leeway: Duration
}

public struct IdempotencyConfig: Sendable, Equatable {
    public var header: String
    public var required: Bool
    public var keyTTL: Duration
    public var dedupeWindow: Duration
    public var coalesceWait: Duration
    public var maxWaiters: Int
    public var unknownOutcome: UnknownOutcome
}

public struct ThrottleConfig: Sendable, Equatable {
    public var perContact: Rate?
    public var perPrincipal: Rate?
    public var perClientIP: Rate?
}

public struct StoreConfig: Sendable, Equatable {
    public var backend: StoreBackend
    public var path: String
    public var redisURL: SecretSource
    public var keyPrefix: String
    public var timeout: Duration
    public var onError: StoreErrorPolicy
}

public struct AccessLogConfig: Sendable, Equatable {
    /// "-" means stdout.
    public var path: String
    public var format: AccessLogFormat
    /// Lower-cased query parameter names.
    public var redactQuery: [String]
}
