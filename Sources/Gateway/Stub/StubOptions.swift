/// Switches of `gateway stub-upstream`.
public struct StubOptions: Sendable {
    public enum Formats: String, Sendable, CaseIterable {
        case json, xml, both
    }

    public var host = "127.0.0.1"
    public var port = 8081
    /// Which request and response formats the stand-in speaks; the other one is answered 415.
    public var formats = Formats.both
    /// Added before every resend answer.
    public var latencyMilliseconds = 0
    /// Every Nth resend answers 503 and sends no invitation (0 = never).
    public var failEvery = 0
    /// Every Nth resend sends the invitation and then never answers (0 = never).
    public var hangEvery = 0
    public var wireStyle = WireStyle()

    public init() {}
}
