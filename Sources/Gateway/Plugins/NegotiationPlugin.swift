/// Picks the response format of every call the way ServiceStack would (SPEC §4.2).
public struct NegotiationPlugin: GatewayPlugin {
    public struct Settings: Sendable {
        public var defaultFormat = WireFormat.json
        public init() {}
    }

    let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func handle(_ exchange: Exchange, next: PluginNext) async throws -> GatewayResponse {
        exchange.format = FormatNegotiation.negotiate(exchange.request, route: exchange.resendRoute, defaultFormat: settings.defaultFormat)
        return try await next(exchange)
    }
}

extension NegotiationPlugin.Settings {
    public init(_ config: GatewayConfig) {
        self.init()
        defaultFormat = config.server.defaultFormat
    }
}
