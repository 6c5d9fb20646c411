/// Configured features this version does not have yet, logged as warnings at start so that nobody
/// mistakes their absence for protection.
public enum FeatureAvailability {
    public static func warnings(_ config: GatewayConfig) -> [String] {
        ["the access log ([access_log]) is not written by this version"]
    }
}
