import JWTKit

// One key that may verify tokens, tied to the single algorithm it is allowed to verify. Keeping
// the algorithm with the key is what defeats algorithm confusion: a token's `alg` header only
// selects among these, it never decides how a key is used.

enum JWTVerificationKey: Sendable {
    case hs256(HMACKey)
    case rs256(JWTKit.Insecure.RSA.PublicKey)
    case es256(ES256PublicKey)

    /// The JWS `alg` this key verifies, and the only one it verifies.
    var algorithm: String {
        switch self {
        case .hs256: "HS256"
        case .rs256: "RS256"
        case .es256: "ES256"
        }
    }

    /// A jwt-kit collection holding only this key, so jwt-kit has no other key to fall back on.
    func keyCollection() async -> JWTKeyCollection {
        let keys = JWTKeyCollection()
        switch self {
        case .hs256(let key): await keys.add(hmac: key, digestAlgorithm: .sha256)
        case .rs256(let key): await keys.add(rsa: key, digestAlgorithm: .sha256)
        case .es256(let key): await keys.add(ecdsa: key)
        }
        return keys
    }
}
