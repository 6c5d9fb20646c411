/// Configured guarantees this version cannot give yet, logged as warnings at start so that nobody
/// mistakes their absence for protection.
public enum FeatureAvailability {
    public static func warnings(_ config: GatewayConfig) -> [String] {
        var warnings = [
            "idempotency keys and duplicate suppression ([idempotency]) are not enforced by this version: every copy of a resend is forwarded"
        ]
        if config.throttle.perContact != nil || config.throttle.perPrincipal != nil || config.throttle.perClientIP != nil {
            warnings.append("throttling ([throttle]) is not enforced by this version")
        }
        warnings.append("the access log ([access_log]) is not written by this version")
        return warnings
    }
}
