extension CurlSettings {
    public init(_ upstream: UpstreamConfig) {
        self.init(
            maxConnections: upstream.maxConnections, maxIdle: upstream.maxIdle, tlsVerify: upstream.tlsVerify,
            caFile: upstream.caFile, clientCertFile: upstream.clientCertFile, clientKeyFile: upstream.clientKeyFile)
    }
}

extension UpstreamForwarder.Settings {
    /// Resolves secrets now, so a missing one fails start-up rather than a request.
    public init(_ config: GatewayConfig, environment: [String: String]) throws {
        let upstream = config.upstream
        self.init(baseURL: upstream.url.string)
        limits = TransferLimits(connectTimeout: upstream.connectTimeout, timeout: upstream.timeout, maxResponse: upstream.maxResponse)
        maxInflight = upstream.maxInflight
        headers = ForwardHeaders(
            trustedProxies: config.server.trustedProxies, publicHost: config.server.publicHost,
            gatewayKeys: config.auth.apiKeys.isEmpty ? nil : APIKeyAuthenticator(keys: config.auth.apiKeys))
        switch config.auth.upstreamCredentials {
        case .auto: credentials = config.auth.mode == .apiKey ? .strip : .forward
        case .forward: credentials = .forward
        case .strip: credentials = .strip
        case .replace:
            guard let source = config.auth.upstreamAuthorization else { throw ConfigProblem(file: "", line: nil, message: "auth.upstream_credentials = \"replace\" needs auth.upstream_authorization_env or _file") }
            credentials = .replace(try source.resolve(environment: environment))
        }
    }
}
