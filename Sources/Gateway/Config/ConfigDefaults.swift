// Every default of SPEC §3: what a key that is absent from `gateway.conf` means.

extension GatewayConfig {
    public static let defaults = GatewayConfig(
        server: ServerConfig(
            listen: HostPort(host: "0.0.0.0", port: 8080),
            maxBody: 64 << 10,
            maxHeaderBytes: 16 << 10,
            maxConnections: 10_000,
            idleTimeout: .seconds(75),
            requestTimeout: .seconds(30),
            drainDelay: .zero,
            shutdownGrace: .seconds(30),
            trustedProxies: [],
            publicHost: "",
            defaultFormat: .json
        ),
        admin: AdminConfig(listen: HostPort(host: "127.0.0.1", port: 9901)),
        upstream: UpstreamConfig(
            url: UpstreamURL(scheme: "https", host: "pfapi.pstpf.com.au", port: nil, basePath: ""),
            format: .same,
            jsonCase: .pascal,
            xmlNamespace: "http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel",
            connectTimeout: .seconds(2),
            timeout: .seconds(10),
            maxConnections: 64,
            maxIdle: .seconds(30),
            maxInflight: 256,
            maxResponse: 1 << 20,
            releaseStatuses: [502, 503, 504],
            scrubDebug: true,
            tlsVerify: true,
            caFile: nil,
            clientCertFile: nil,
            clientKeyFile: nil
        ),
        routes: RoutesConfig(passthrough: true, resendMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"]),
        auth: AuthConfig(
            mode: .apiKey,
            upstreamCredentials: .auto,
            upstreamAuthorization: nil,
            apiKeys: [],
            jwt: nil
        ),
        idempotency: IdempotencyConfig(
            header: "Idempotency-Key",
            required: false,
            keyTTL: .seconds(24 * 3600),
            dedupeWindow: .seconds(600),
            coalesceWait: .seconds(5),
            maxWaiters: 64,
            unknownOutcome: .block
        ),
        throttle: ThrottleConfig(
            perContact: Rate(limit: 3, window: .seconds(3600)),
            perPrincipal: Rate(limit: 600, window: .seconds(60)),
            perClientIP: nil
        ),
        store: StoreConfig(
            backend: .sqlite,
            path: "gateway-state.db",
            redisURL: .inline("redis://127.0.0.1:6379/0"),
            keyPrefix: "rgw:v1:",
            timeout: .milliseconds(250),
            onError: .reject
        ),
        accessLog: AccessLogConfig(
            path: "-",
            format: .json,
            redactQuery: ["apikey", "authsecret", "ss-tok", "ss-id", "ss-pid", "ss-reftok", "access_token", "token", "password"]
        )
    )
}

extension JWTConfig {
    /// `[auth.jwt]` with nothing set.
    public static let defaults = JWTConfig(hs256Secret: nil, jwksFile: nil, issuer: nil, audience: nil, leeway: .seconds(30))
}
