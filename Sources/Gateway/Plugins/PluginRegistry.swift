/// The request chain, in order. Adding a plugin: one file in `Plugins/`, one line here.
public enum PluginRegistry {
    public static func plugins(for config: GatewayConfig, environment: [String: String]) throws -> [any GatewayPlugin] {
        [
            RoutePlugin(settings: .init(config)),
            NegotiationPlugin(settings: .init(config)),
            try AuthPlugin(config, environment: environment),
            BindPlugin(settings: .init(config)),
            TranslatePlugin(settings: .init(config)),
        ]
    }
}

extension GatewayRuntime {
    public init(_ config: GatewayConfig, environment: [String: String], forwarder: UpstreamForwarder) throws {
        self.init(
            pipeline: Pipeline(plugins: try PluginRegistry.plugins(for: config, environment: environment), terminal: { await forwarder.forward($0) }),
            maxBody: config.server.maxBody, requestTimeout: config.server.requestTimeout, defaultFormat: config.server.defaultFormat,
            style: WireStyle(jsonCase: config.upstream.jsonCase, xmlNamespace: config.upstream.xmlNamespace))
    }
}
