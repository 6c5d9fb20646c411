import NIOConcurrencyHelpers

/// Everything a request needs that comes from the configuration, as one immutable snapshot; a reload
/// swaps the whole snapshot, so a request never sees half of two configurations.
public struct GatewayRuntime: Sendable {
    public var pipeline: Pipeline
    public var maxBody: Int
    public var maxHeaderBytes: Int
    public var requestTimeout: Duration
    public var defaultFormat: WireFormat
    public var style: WireStyle

    public init(pipeline: Pipeline, maxBody: Int, maxHeaderBytes: Int, requestTimeout: Duration, defaultFormat: WireFormat, style: WireStyle) {
        self.pipeline = pipeline
        self.maxBody = maxBody
        self.maxHeaderBytes = maxHeaderBytes
        self.requestTimeout = requestTimeout
        self.defaultFormat = defaultFormat
        self.style = style
    }
}

public final class RuntimeHolder: Sendable {
    private let state: NIOLockedValueBox<GatewayRuntime>

    public init(_ runtime: GatewayRuntime) {
        state = NIOLockedValueBox(runtime)
    }

    public var current: GatewayRuntime { state.withLockedValue { $0 } }

    public func replace(with runtime: GatewayRuntime) {
        state.withLockedValue { $0 = runtime }
    }
}
