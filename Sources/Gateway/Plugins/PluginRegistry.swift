import Logging

/// The request chain, in order. Adding a plugin: one file in `Plugins/`, one line here.
///
/// Why this order: path, method and format are checked first because they need nothing; then
/// authentication, so that an anonymous caller learns nothing about validation; then binding, so that
/// only a valid DTO reaches the store; the throttle plugin only declares limits, which the idempotency
/// plugin enforces in the same atomic step as the claim — so a replay or a waiter never consumes quota
/// and a throttled request never leaves a claim behind; translation sits inside, next to the forwarder,
/// so that stored outcomes are the answers the client got.
public enum PluginRegistry {
    public static func plugins(for config: GatewayConfig, context: PluginContext) throws -> [any GatewayPlugin] {
        [
            RoutePlugin(settings: .init(config)),
            NegotiationPlugin(settings: .init(config)),
            try AuthPlugin(config, environment: context.environment),
            BindPlugin(settings: .init(config)),
            ThrottlePlugin(settings: .init(config)),
            IdempotencyPlugin(settings: .init(config), store: context.store, waits: context.waits, logger: context.logger),
            TranslatePlugin(settings: .init(config)),
        ]
    }
}

/// What plugins share beyond the configuration: the process's store, its waiters, its logger.
public struct PluginContext: Sendable {
    public var environment: [String: String]
    public var store: any ResendStore
    public var waits: WaitRegistry
    public var logger: Logger

    public init(environment: [String: String], store: any ResendStore, waits: WaitRegistry, logger: Logger) {
        self.environment = environment
        self.store = store
        self.waits = waits
        self.logger = logger
    }
}

extension GatewayRuntime {
    public init(_ config: GatewayConfig, context: PluginContext, forwarder: UpstreamForwarder) throws {
        self.init(
            pipeline: Pipeline(plugins: try PluginRegistry.plugins(for: config, context: context), terminal: { await forwarder.forward($0) }),
            maxBody: config.server.maxBody, maxHeaderBytes: config.server.maxHeaderBytes, requestTimeout: config.server.requestTimeout, defaultFormat: config.server.defaultFormat,
            style: WireStyle(jsonCase: config.upstream.jsonCase, xmlNamespace: config.upstream.xmlNamespace))
    }
}
