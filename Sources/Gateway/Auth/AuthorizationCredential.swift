import Foundation

// One `Authorization` header value split into its scheme and credentials (RFC 9110 §11.4), with
// the two forms a ServiceStack API key can take: `Bearer <key>` and `Basic base64(<key>:)`.
// Both the API-key check and the "never forward a gateway key" filter read headers through this.

struct AuthorizationCredential: Sendable, Equatable {
    /// The scheme, lowercased (schemes are case-insensitive).
    var scheme: String
    /// Everything after the scheme, without surrounding whitespace; may be empty.
    var credentials: Substring

    /// nil for an empty (or all-whitespace) header value.
    init?(_ headerValue: String) {
        let value = AuthHeaderValues.trimmed(headerValue[...])
        guard !value.isEmpty else { return nil }
        if let space = value.firstIndex(where: { $0 == " " || $0 == "\t" }) {
            scheme = value[..<space].lowercased()
            credentials = AuthHeaderValues.trimmed(value[space...])
        } else {
            scheme = value.lowercased()
            credentials = ""
        }
    }

    /// The user and password of a `Basic` credential, as bytes, split at the first `:`.
    /// nil when the base64 is malformed or there is no `:`.
    static func basicUserPassword(_ credentials: Substring) -> (user: [UInt8], password: [UInt8])? {
        guard let decoded = AuthBase64.decode(credentials, urlSafe: false) else { return nil }
        guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        return (Array(decoded[..<colon]), Array(decoded[(colon + 1)...]))
    }
}
