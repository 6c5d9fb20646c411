import Crypto
import HTTPTypes

// `auth.mode = "api_key"` (SPEC §4.4): the gateway's own API keys, stored only as SHA-256 digests.
// A presented key is hashed and compared with every configured digest in constant time, so neither
// timing nor the number of keys tells a caller how close a guess was or which key it resembled.

public struct APIKeyAuthenticator: Sendable {
    private struct Entry: Sendable {
        var name: String
        /// Always exactly 32 bytes; all zero when the configured digest was unusable.
        var digest: [UInt8]
        /// False for a configured digest that is not 32 bytes: such an entry never matches.
        var usable: Bool
    }

    private let entries: [Entry]

    public init(keys: [APIKeyEntry]) {
        entries = keys.map { key in
            let usable = key.sha256.count == 32
            return Entry(name: key.name, digest: usable ? key.sha256 : [UInt8](repeating: 0, count: 32), usable: usable)
        }
    }

    /// `Authorization: Bearer <key>`, `Authorization: Basic base64(<key>:)` (empty password; a
    /// non-empty password is rejected), or `X-Api-Key: <key>`. Scheme names are case-insensitive.
    /// Several credential headers must all carry the same key; otherwise the request is rejected.
    public func authenticate(_ headers: HTTPFields) -> AuthOutcome {
        var presented: [[UInt8]] = []
        var foreignScheme = false
        for value in AuthHeaderValues.values(headers, AuthHeaderValues.authorization) {
            guard let credential = AuthorizationCredential(value) else {
                return .rejected(reason: "empty Authorization header")
            }
            switch Self.key(in: credential) {
            case .key(let key): presented.append(key)
            case .malformed(let reason): return .rejected(reason: reason)
            case .otherScheme: foreignScheme = true
            }
        }
        for value in AuthHeaderValues.values(headers, AuthHeaderValues.apiKey) {
            let key = AuthHeaderValues.trimmed(value[...])
            guard !key.isEmpty else { return .rejected(reason: "empty X-Api-Key header") }
            presented.append(Array(key.utf8))
        }
        guard let first = presented.first else {
            return foreignScheme ? .rejected(reason: "Authorization scheme is not Bearer or Basic") : .missing
        }
        guard presented.allSatisfy({ $0 == first }) else {
            return .rejected(reason: "credential headers carry different keys")
        }
        guard let name = match(first) else { return .rejected(reason: "unknown API key") }
        return .authenticated(principal: name)
    }

    /// True when this Authorization header value carries one of the configured keys (Bearer or
    /// Basic form, whatever the Basic password): such a header must never be forwarded upstream.
    public func isGatewayKey(authorization: String) -> Bool {
        guard let credential = AuthorizationCredential(authorization) else { return false }
        switch credential.scheme {
        case "bearer":
            return !credential.credentials.isEmpty && match(Array(credential.credentials.utf8)) != nil
        case "basic":
            guard let basic = AuthorizationCredential.basicUserPassword(credential.credentials) else { return false }
            return !basic.user.isEmpty && match(basic.user) != nil
        default:
            return false
        }
    }

    private enum Presented {
        case key([UInt8])
        case malformed(String)
        case otherScheme
    }

    private static func key(in credential: AuthorizationCredential) -> Presented {
        switch credential.scheme {
        case "bearer":
            guard !credential.credentials.isEmpty else { return .malformed("empty Bearer credential") }
            return .key(Array(credential.credentials.utf8))
        case "basic":
            guard let basic = AuthorizationCredential.basicUserPassword(credential.credentials) else {
                return .malformed("malformed Basic credential")
            }
            guard basic.password.isEmpty else { return .malformed("Basic credential has a password") }
            guard !basic.user.isEmpty else { return .malformed("empty Basic credential") }
            return .key(basic.user)
        default:
            return .otherScheme
        }
    }

    /// The name of the entry whose digest equals SHA-256(`key`). Every entry and every byte is
    /// compared whatever the earlier results; the first matching entry wins.
    private func match(_ key: [UInt8]) -> String? {
        let presented = Array(SHA256.hash(data: key))
        var matched: Int? = nil
        for (index, entry) in entries.enumerated() {
            var difference: UInt8 = entry.usable ? 0 : 1
            for byte in 0..<32 {
                difference |= entry.digest[byte] ^ presented[byte]
            }
            let isMatch = difference == 0
            matched = (isMatch && matched == nil) ? index : matched
        }
        return matched.map { entries[$0].name }
    }
}
