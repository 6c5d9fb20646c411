import Foundation
import JWTKit

// The registered claims the gateway relies on (RFC 7519 §4.1), checked here rather than by jwt-kit
// so that `now` and the configured leeway are used: `exp` is required, `nbf` honoured, `iss` and
// `aud` must name this deployment, and `sub` with `iss` makes the principal.

struct JWTGatewayClaims: JWTPayload, Equatable {
    var exp: ExpirationClaim?
    var nbf: NotBeforeClaim?
    var iss: IssuerClaim?
    var sub: SubjectClaim?
    var aud: AudienceClaim?

    /// jwt-kit calls this after the signature check; the claims are checked by `check` instead.
    func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// The principal `iss|sub`, or why the claims are not acceptable (a fixed phrase).
    func check(now: Date, leeway: TimeInterval, issuer: String?, audience: String) -> Result<String, ClaimFailure> {
        guard let exp else { return .failure(.init("token has no exp")) }
        guard now.timeIntervalSince(exp.value) < leeway else { return .failure(.init("token expired")) }
        if let nbf, nbf.value.timeIntervalSince(now) > leeway { return .failure(.init("token not yet valid (nbf)")) }
        if let issuer, iss?.value != issuer { return .failure(.init("token issuer is not the configured issuer")) }
        guard let aud, aud.value.contains(audience) else {
            return .failure(.init("token audience does not include the configured audience"))
        }
        guard let subject = sub?.value, !subject.isEmpty else { return .failure(.init("token has no sub")) }
        return .success("\(iss?.value ?? "")|\(subject)")
    }

    struct ClaimFailure: Error, Equatable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
