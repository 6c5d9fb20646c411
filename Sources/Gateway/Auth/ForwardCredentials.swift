import Crypto
import HTTPTypes

// `auth.mode = "forward"` (SPEC §4.4): the upstream verifies the credential, the gateway only makes
// sure one ServiceStack would look at is present, and names the caller by a short hash of it so
// quotas and logs can tell callers apart without ever holding the credential itself.

public struct ForwardCredentials: Sendable {
    /// A credential ServiceStack would accept must be present: an Authorization header (any
    /// scheme), cookies `ss-id` / `ss-pid` / `ss-tok`, or headers `X-ss-id` / `X-ss-pid`. Empty
    /// values do not count. Verification is left to the upstream.
    /// principal = "fwd:" + the first 16 hex digits of SHA-256 over a canonical form of every
    /// credential found. The canonical form ignores order and repeats, and treats what
    /// ServiceStack treats as one credential alike (`X-ss-id` and cookie `ss-id`, `X-ss-pid` and
    /// `ss-pid`, `Authorization: Bearer t` and cookie `ss-tok=t`, scheme case), so a caller cannot
    /// get a fresh principal by moving the same credential around.
    public static func authenticate(_ headers: HTTPFields) -> AuthOutcome {
        var parts = Set<String>()
        for value in AuthHeaderValues.values(headers, AuthHeaderValues.authorization) {
            guard let credential = AuthorizationCredential(value) else { continue }
            if credential.scheme == "bearer", !credential.credentials.isEmpty {
                parts.insert("token\u{0}\(credential.credentials)")
            } else {
                parts.insert("authorization\u{0}\(credential.scheme) \(credential.credentials)")
            }
        }
        for value in RequestCookies.values(named: "ss-tok", in: headers) { parts.insert("token\u{0}\(value)") }
        for (cookie, header) in [("ss-id", AuthHeaderValues.sessionID), ("ss-pid", AuthHeaderValues.permanentSessionID)] {
            for value in RequestCookies.values(named: cookie, in: headers) { parts.insert("\(cookie)\u{0}\(value)") }
            for value in AuthHeaderValues.values(headers, header) {
                let trimmed = AuthHeaderValues.trimmed(value[...])
                if !trimmed.isEmpty { parts.insert("\(cookie)\u{0}\(trimmed)") }
            }
        }
        guard !parts.isEmpty else { return .missing }
        let canonical = parts.sorted().joined(separator: "\n")
        let digest = SHA256.hash(data: Array(canonical.utf8))
        let hex = digest.prefix(8).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
        return .authenticated(principal: "fwd:\(hex)")
    }
}
