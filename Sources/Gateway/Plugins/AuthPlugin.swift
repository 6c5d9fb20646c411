import HTTPTypes

/// Authenticates resend calls before anything about them is checked further (SPEC §4.4): an anonymous
/// or wrongly authenticated caller gets 401 whatever else is wrong with its request, so validation
/// details never leak to it. Sets the principal that idempotency scopes, throttles and logs use.
/// Pass-through calls are not authenticated by the gateway.
public struct AuthPlugin: GatewayPlugin {
    public enum Verifier: Sendable {
        case none
        case apiKey(APIKeyAuthenticator)
        case jwt(JWTAuthenticator)
        case forward
    }

    let verifier: Verifier

    public init(verifier: Verifier) {
        self.verifier = verifier
    }

    public func handle(_ exchange: Exchange, next: PluginNext) async throws -> GatewayResponse {
        guard exchange.route == .resend else { return try await next(exchange) }
        let outcome: AuthOutcome
        switch verifier {
        case .none: return try await next(exchange)
        case .apiKey(let keys): outcome = keys.authenticate(exchange.request.headers)
        case .jwt(let tokens): outcome = await tokens.authenticate(exchange.request.headers)
        case .forward: outcome = ForwardCredentials.authenticate(exchange.request.headers)
        }
        guard case .authenticated(let principal) = outcome else {
            return exchange.reply(.unauthorized())
        }
        exchange.principal = principal
        return try await next(exchange)
    }
}

extension AuthPlugin {
    /// Reads secrets and key files now, so that a bad one stops start-up rather than a request.
    public init(_ config: GatewayConfig, environment: [String: String]) throws {
        switch config.auth.mode {
        case .none: verifier = .none
        case .apiKey: verifier = .apiKey(APIKeyAuthenticator(keys: config.auth.apiKeys))
        case .jwt: verifier = .jwt(try JWTAuthenticator(config: config.auth.jwt ?? .defaults, environment: environment))
        case .forward: verifier = .forward
        }
    }
}

extension GatewayError {
    public static func unauthorized() -> GatewayError {
        GatewayError(
            status: 401, code: "Unauthorized", message: "Not Authenticated", decision: .unauthorized, policy: "auth",
            headers: [HeaderLine("WWW-Authenticate", "Bearer realm=\"resend-gateway\"")])
    }
}
