import Foundation
import JWTKit

// Reads `auth.jwt.jwks_file` into public verification keys, each pinned to one algorithm: RSA keys
// (2048 bits or more) verify RS256, P-256 keys verify ES256, nothing else is accepted. Every key
// needs a unique `kid`. Private key material is refused: the gateway only verifies tokens.

enum JWKSFile {
    /// The subset of a JWK this loader reads. Private members are decoded only to refuse them.
    private struct RawJWK: Decodable {
        var kty: String?
        var kid: String?
        var alg: String?
        var use: String?
        var crv: String?
        var n: String?
        var e: String?
        var x: String?
        var y: String?
        var d: String?
    }

    private struct RawJWKS: Decodable {
        var keys: [RawJWK]
    }

    static func load(path: String) throws -> [String: JWTVerificationKey] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JWTSetupError("auth.jwt.jwks_file \(path) is not readable")
        }
        guard let jwks = try? JSONDecoder().decode(RawJWKS.self, from: data) else {
            throw JWTSetupError("auth.jwt.jwks_file \(path) is not a JWKS (a JSON object with a \"keys\" array of keys)")
        }
        guard !jwks.keys.isEmpty else { throw JWTSetupError("auth.jwt.jwks_file \(path) has no keys") }
        var keys: [String: JWTVerificationKey] = [:]
        for (index, jwk) in jwks.keys.enumerated() {
            let label = "auth.jwt.jwks_file \(path), key \(index + 1)"
            guard let kid = jwk.kid, !kid.isEmpty else { throw JWTSetupError("\(label): has no \"kid\"") }
            guard keys[kid] == nil else { throw JWTSetupError("\(label): \"kid\" \(kid) appears twice") }
            keys[kid] = try key(jwk, label: "\(label) (kid \(kid))")
        }
        return keys
    }

    private static func key(_ jwk: RawJWK, label: String) throws -> JWTVerificationKey {
        guard jwk.d == nil else {
            throw JWTSetupError("\(label): holds private key material; give the gateway the public keys only")
        }
        if let use = jwk.use, use != "sig" { throw JWTSetupError("\(label): \"use\" is \(use), not \"sig\"") }
        switch jwk.kty {
        case "RSA":
            if let alg = jwk.alg, alg != "RS256" { throw JWTSetupError("\(label): alg \(alg) is not supported (RSA keys verify RS256 only)") }
            guard let n = jwk.n, let e = jwk.e, let modulus = AuthBase64.decode(n[...], urlSafe: true),
                  AuthBase64.decode(e[...], urlSafe: true) != nil else {
                throw JWTSetupError("\(label): RSA key needs base64url \"n\" and \"e\"")
            }
            guard modulus.drop(while: { $0 == 0 }).count >= 256 else {
                throw JWTSetupError("\(label): RSA key is shorter than 2048 bits")
            }
            do {
                return .rs256(try JWTKit.Insecure.RSA.PublicKey(modulus: n, exponent: e))
            } catch {
                throw JWTSetupError("\(label): not a valid RSA public key")
            }
        case "EC":
            if let alg = jwk.alg, alg != "ES256" { throw JWTSetupError("\(label): alg \(alg) is not supported (EC keys verify ES256 only)") }
            guard jwk.crv == "P-256" else { throw JWTSetupError("\(label): EC key must use curve P-256 (ES256)") }
            guard let x = jwk.x, let y = jwk.y else { throw JWTSetupError("\(label): EC key needs \"x\" and \"y\"") }
            do {
                return .es256(try ES256PublicKey(parameters: (x: x, y: y)))
            } catch {
                throw JWTSetupError("\(label): not a valid P-256 public key")
            }
        default:
            throw JWTSetupError("\(label): key type must be \"RSA\" (RS256) or \"EC\" (ES256)")
        }
    }
}
