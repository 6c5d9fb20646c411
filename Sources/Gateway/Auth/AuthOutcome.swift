// Every authenticator (API key, JWT, forward) answers with the same three-way outcome so the
// pipeline can turn any failure into the one 401 of SPEC §4.4 and log why without ever logging
// the credential itself.

/// The outcome of checking one request's credentials.
public enum AuthOutcome: Sendable, Equatable {
    /// The request carries a valid credential; `principal` names who it is (for quotas and logs).
    case authenticated(principal: String)
    /// The request carries no credential this mode looks at.
    case missing
    /// A credential is present but not acceptable. `reason` is for logs only: it is a fixed
    /// phrase and never contains the credential or any other client-supplied text.
    case rejected(reason: String)
}
