/// Binds and validates the resend DTO (SPEC §4.3) before anything costs: GUIDs from the path, the
/// query, a form, JSON or XML body, each checked wherever it appears; a field given in two places with
/// different values, or twice in the query, is refused — so the upstream can never act on a value the
/// gateway did not check. What later plugins and the forwarder see is the validated DTO, not the request.
public struct BindPlugin: GatewayPlugin {
    public struct Settings: Sendable {
        public var xmlNamespace = WireStyle.defaultNamespace
        public init() {}
    }

    let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func handle(_ exchange: Exchange, next: PluginNext) async throws -> GatewayResponse {
        guard exchange.route == .resend, let route = exchange.resendRoute else { return try await next(exchange) }
        switch ResendBinder(xmlNamespace: settings.xmlNamespace).bind(exchange.request, route: route) {
        case .success(let dto):
            exchange.resend = dto
            return try await next(exchange)
        case .failure(let error):
            return exchange.reply(error)
        }
    }
}

extension BindPlugin.Settings {
    public init(_ config: GatewayConfig) {
        self.init()
        xmlNamespace = config.upstream.xmlNamespace
    }
}
