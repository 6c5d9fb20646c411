import JWTKit

// The key source configured in `[auth.jwt]` pins the algorithms (SPEC §3, §4.4): an HS256 secret
// accepts only HS256; a JWKS file accepts only RS256 (RSA keys) and ES256 (P-256 keys), each key
// found by its `kid`. Mistakes fail when the authenticator is built, not on a request.

enum JWTKeySet: Sendable {
    case secret(HMACKey)
    case jwks([String: JWTVerificationKey])

    enum Lookup: Sendable {
        case key(JWTVerificationKey)
        case algorithmRefused
        case unknownKey
    }

    /// The key to verify a token whose header names `algorithm` and `kid`.
    func key(algorithm: String, kid: String?) -> Lookup {
        switch self {
        case .secret(let key):
            return algorithm == "HS256" ? .key(.hs256(key)) : .algorithmRefused
        case .jwks(let keys):
            guard algorithm == "RS256" || algorithm == "ES256" else { return .algorithmRefused }
            if let kid {
                guard let key = keys[kid], key.algorithm == algorithm else { return .unknownKey }
                return .key(key)
            }
            // No `kid`: acceptable only when exactly one key could have signed it.
            let candidates = keys.values.filter { $0.algorithm == algorithm }
            guard candidates.count == 1, let only = candidates.first else { return .unknownKey }
            return .key(only)
        }
    }

    static func load(_ config: JWTConfig, environment: [String: String]) throws -> JWTKeySet {
        switch (config.hs256Secret, config.jwksFile) {
        case (let source?, nil):
            let secret: String
            do {
                secret = try source.resolve(environment: environment)
            } catch let error as SecretSourceError {
                throw JWTSetupError("auth.jwt HS256 secret: \(error.message)")
            }
            // RFC 7518 §3.2, and jwt-kit asserts it (a precondition in later releases): a shorter
            // key would crash the gateway on the first token, so refuse it here.
            guard secret.utf8.count >= 32 else {
                throw JWTSetupError("auth.jwt HS256 secret from \(source) is shorter than 32 bytes")
            }
            return .secret(HMACKey(from: Array(secret.utf8)))
        case (nil, let path?):
            return .jwks(try JWKSFile.load(path: path))
        case (nil, nil):
            throw JWTSetupError("auth.jwt needs one key source: hs256_secret_env, hs256_secret_file or jwks_file")
        case (_?, _?):
            throw JWTSetupError("auth.jwt: set an HS256 secret or a JWKS file, not both (the algorithm is pinned by the key source)")
        }
    }
}
