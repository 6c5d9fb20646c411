import HTTPTypes

/// Which client headers travel upstream, and which upstream headers travel back.
public struct ForwardHeaders: Sendable {
    /// RFC 9110 §7.6.1 connection-specific headers, plus the proxy ones nginx and Envoy also drop.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization",
    ]
    /// Set by the gateway itself or by libcurl, never copied from the client.
    static let gatewayOwned: Set<String> = [
        "host", "content-length", "expect", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-request-id", "via",
        // A gateway API key never leaves the gateway (SPEC §4.4).
        "x-api-key",
    ]
    /// The only client headers a resend call carries upstream, besides credentials (SPEC §4.3).
    static let resendAllowed: Set<String> = ["user-agent", "accept-language", "traceparent", "tracestate"]
    static let credentials: Set<String> = ["authorization", "cookie", "x-ss-id", "x-ss-pid", "x-ss-opt"]

    public var trustedProxies: [CIDR]
    public var publicHost: String
    /// The configured API keys: an `Authorization` carrying one never leaves the gateway.
    public var gatewayKeys: APIKeyAuthenticator?
    public static let via = "1.1 resend-gateway"

    public init(trustedProxies: [CIDR], publicHost: String, gatewayKeys: APIKeyAuthenticator? = nil) {
        self.trustedProxies = trustedProxies
        self.publicHost = publicHost
        self.gatewayKeys = gatewayKeys
    }

    /// Every client header but hop-by-hop and gateway-owned ones, then the gateway's own.
    public func passthrough(_ exchange: Exchange) -> [HeaderLine] {
        let fields = exchange.request.headers
        let dropped = Self.hopByHop.union(Self.connectionTokens(fields[values: .connection]))
        var lines: [HeaderLine] = []
        for field in fields {
            let name = field.name.canonicalName
            if dropped.contains(name) || Self.gatewayOwned.contains(name) || isGatewayKey(name, field.value) { continue }
            lines.append(HeaderLine(field.name.rawName, field.value))
        }
        return lines + added(exchange, keepingVia: true)
    }

    /// `Accept` and `Content-Type` for the upstream format, the allow-listed client headers of a resend
    /// call, credentials per `credentials`, then the gateway's own.
    public func resend(_ exchange: Exchange, mediaType: String, hasBody: Bool, credentials: CredentialForwarding) -> [HeaderLine] {
        var lines = [HeaderLine("Accept", mediaType)]
        if hasBody { lines.append(HeaderLine("Content-Type", mediaType)) }
        for field in exchange.request.headers {
            let name = field.name.canonicalName
            if Self.resendAllowed.contains(name) {
                lines.append(HeaderLine(field.name.rawName, field.value))
            } else if case .forward = credentials, Self.credentials.contains(name), !isGatewayKey(name, field.value) {
                lines.append(HeaderLine(field.name.rawName, field.value))
            }
        }
        if case .replace(let authorization) = credentials {
            lines.append(HeaderLine("Authorization", authorization))
        }
        return lines + added(exchange, keepingVia: false)
    }

    private func isGatewayKey(_ name: String, _ value: String) -> Bool {
        name == "authorization" && (gatewayKeys?.isGatewayKey(authorization: value) ?? false)
    }

    private func added(_ exchange: Exchange, keepingVia: Bool) -> [HeaderLine] {
        let request = exchange.request
        let peer = request.remoteAddress ?? "unknown"
        let trusted = request.remoteAddress.map { address in trustedProxies.contains { $0.contains(address) } } ?? false
        var lines: [HeaderLine] = []
        if trusted, let chain = request.header(.xForwardedFor), !chain.isEmpty {
            lines.append(HeaderLine("X-Forwarded-For", chain + ", " + peer))
        } else {
            lines.append(HeaderLine("X-Forwarded-For", peer))
        }
        let claimedProto = trusted ? request.header(.xForwardedProto) : nil
        lines.append(HeaderLine("X-Forwarded-Proto", claimedProto == "https" ? "https" : "http"))
        if !publicHost.isEmpty { lines.append(HeaderLine("X-Forwarded-Host", publicHost)) }
        let priorVia = keepingVia ? request.header(.via).map { $0 + ", " } ?? "" : ""
        lines.append(HeaderLine("Via", priorVia + Self.via))
        lines.append(HeaderLine("X-Request-Id", exchange.requestId))
        return lines
    }

    /// Upstream response headers the client may see: hop-by-hop and framing removed (the gateway
    /// frames the body itself).
    public static func response(_ headers: [HeaderLine]) -> [HeaderLine] {
        let listed = headers.filter { $0.name.lowercased() == "connection" }.map(\.value)
        let dropped = hopByHop.union(["content-length"]).union(connectionTokens(listed))
        return headers.filter { !dropped.contains($0.name.lowercased()) }
    }

    /// The header names a `Connection` header lists: they are hop-by-hop too (RFC 9110 §7.6.1).
    static func connectionTokens(_ values: [String]) -> Set<String> {
        Set(values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: [" ", "\t"]).lowercased() })
    }
}

/// What a resend call carries upstream as credentials (SPEC §4.4 `upstream_credentials`, resolved).
public enum CredentialForwarding: Sendable, Equatable {
    case forward
    case strip
    case replace(String)
}
