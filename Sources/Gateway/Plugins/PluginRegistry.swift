/// The request chain, in order. Adding a plugin: one file in `Plugins/`, one line here.
public enum PluginRegistry {
    public static func plugins(for config: GatewayConfig) -> [any GatewayPlugin] {
        [
            RoutePlugin(settings: .init(config)),
            NegotiationPlugin(settings: .init(config)),
        ]
    }
}

extension GatewayRuntime {
    public init(_ config: GatewayConfig, forwarder: UpstreamForwarder) {
        self.init(
            pipeline: Pipeline(plugins: PluginRegistry.plugins(for: config), terminal: { await forwarder.forward($0) }),
            maxBody: config.server.maxBody, requestTimeout: config.server.requestTimeout, defaultFormat: config.server.defaultFormat,
            style: WireStyle(jsonCase: config.upstream.jsonCase, xmlNamespace: config.upstream.xmlNamespace))
    }
}
