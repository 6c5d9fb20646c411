import Foundation
import HTTPTypes
import JWTKit

// `auth.mode = "jwt"` (SPEC §4.4). The token comes from `Authorization: Bearer` or ServiceStack's
// `ss-tok` cookie; its `alg` must be one the configured key source pins, its signature must verify
// with that key (jwt-kit), and its claims must pass `JWTGatewayClaims.check`.

public struct JWTAuthenticator: Sendable {
    private let keys: JWTKeySet
    private let issuer: String?
    private let audience: String
    private let leeway: TimeInterval

    /// Reads the HS256 secret or the JWKS file named in `config`. Throws a `JWTSetupError` naming
    /// the setting at fault (never a secret) when there is not exactly one usable key source or
    /// no audience.
    public init(config: JWTConfig, environment: [String: String]) throws {
        guard let audience = config.audience, !audience.isEmpty else {
            throw JWTSetupError("auth.jwt.audience is required in jwt mode")
        }
        guard config.leeway >= .zero else { throw JWTSetupError("auth.jwt.leeway must not be negative") }
        self.keys = try JWTKeySet.load(config, environment: environment)
        self.issuer = config.issuer.flatMap { $0.isEmpty ? nil : $0 }
        self.audience = audience
        self.leeway = config.leeway.seconds
    }

    /// Checks the token from `Authorization: Bearer <jwt>` or the `ss-tok` cookie (both may be
    /// sent only if they carry the same token) at time `now`.
    public func authenticate(_ headers: HTTPFields, now: Date = Date()) async -> AuthOutcome {
        let token: String
        switch Self.token(in: headers) {
        case .token(let found): token = found
        case .missing: return .missing
        case .refused(let reason): return .rejected(reason: reason)
        }
        guard let header = JWTTokenHeader(token: token) else { return .rejected(reason: "malformed token") }
        let key: JWTVerificationKey
        switch keys.key(algorithm: header.algorithm, kid: header.kid) {
        case .key(let found): key = found
        case .algorithmRefused: return .rejected(reason: "token algorithm not allowed for the configured key source")
        case .unknownKey: return .rejected(reason: "token kid matches no configured key")
        }
        let claims: JWTGatewayClaims
        do {
            claims = try await key.keyCollection().verify(token, as: JWTGatewayClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            return .rejected(reason: "bad token signature")
        } catch {
            return .rejected(reason: "malformed token")
        }
        switch claims.check(now: now, leeway: leeway, issuer: issuer, audience: audience) {
        case .success(let principal): return .authenticated(principal: principal)
        case .failure(let failure): return .rejected(reason: failure.reason)
        }
    }

    private enum Found {
        case token(String)
        case missing
        case refused(String)
    }

    private static func token(in headers: HTTPFields) -> Found {
        var tokens: [String] = []
        var otherScheme = false
        for value in AuthHeaderValues.values(headers, AuthHeaderValues.authorization) {
            guard let credential = AuthorizationCredential(value) else { return .refused("empty Authorization header") }
            guard credential.scheme == "bearer" else { otherScheme = true; continue }
            guard !credential.credentials.isEmpty else { return .refused("empty Bearer credential") }
            tokens.append(String(credential.credentials))
        }
        tokens += RequestCookies.values(named: "ss-tok", in: headers)
        guard let first = tokens.first else {
            return otherScheme ? .refused("Authorization scheme is not Bearer") : .missing
        }
        guard tokens.allSatisfy({ $0 == first }) else { return .refused("credential headers carry different tokens") }
        return .token(first)
    }
}
