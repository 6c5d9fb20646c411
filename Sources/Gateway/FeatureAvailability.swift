/// Configured guarantees this version cannot give yet. Serving anyway would be a silent surprise, so an
/// authentication mode that is not implemented stops start-up (it would let unauthenticated resends
/// through), and the missing duplicate and flood protection is logged as a warning at start.
public enum FeatureAvailability {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    public static func refusals(_ config: GatewayConfig) -> [Unavailable] {
        switch config.auth.mode {
        case .none:
            return []
        case .apiKey, .jwt, .forward:
            return [
                Unavailable(
                    description: "auth.mode = \"\(config.auth.mode.rawValue)\" is not implemented by this version: resends would reach the upstream "
                        + "unauthenticated. Use auth.mode = \"none\" on a trusted network until it is.")
            ]
        }
    }

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
