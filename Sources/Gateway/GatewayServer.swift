import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The whole gateway process: the client listener, the admin listener and the libcurl engine, run as
/// one service group that SIGTERM/SIGINT shut down gracefully.
public final class GatewayServer: Sendable {
    public let config: GatewayConfig
    public let ports = ListeningPorts()
    public let readiness = Readiness()
    private let engine: CurlEngine
    private let store: any StateStore
    private let runtime: RuntimeHolder
    private let logger: Logger
    private let group = Mutex<ServiceGroup?>(nil)
    private let observer: ExchangeObserver
    private let accessLog: AccessLog

    /// - Parameter observer: sees every response after it is made, besides the access log.
    public init(config: GatewayConfig, logger: Logger, environment: [String: String], observer: @escaping ExchangeObserver = { _, _, _ in }) throws {
        self.config = config
        self.logger = logger
        let accessLog = try AccessLog(path: config.accessLog.path, format: config.accessLog.format, redactQuery: config.accessLog.redactQuery)
        self.accessLog = accessLog
        self.observer = { response, started, duration in
            accessLog.record(response, started: started, duration: duration)
            observer(response, started, duration)
        }
        engine = try CurlEngine(settings: CurlSettings(config.upstream))
        let forwarder = UpstreamForwarder(settings: try UpstreamForwarder.Settings(config, environment: environment), engine: engine, inflight: InflightCounter())
        store = try StoreFactory.open(config.store)
        let context = PluginContext(environment: environment, store: store, waits: WaitRegistry(), logger: logger)
        runtime = RuntimeHolder(try GatewayRuntime(config, context: context, forwarder: forwarder))
    }

    /// Runs until SIGTERM/SIGINT (when `handleSignals`) or `shutdown()`.
    public func run(handleSignals: Bool = true) async throws {
        let server = config.server
        let ports = self.ports
        let gateway = Application(
            responder: GatewayResponder(runtime: runtime, observer: observer),
            server: .http1(configuration: .init(idleTimeout: TimeAmount(server.idleTimeout))),
            configuration: .init(
                address: .hostname(server.listen.host, port: server.listen.port), backlog: 1024,
                availableConnectionsDelegate: MaximumAvailableConnections(server.maxConnections)),
            onServerRunning: { channel in ports.setGateway(channel.localAddress?.port ?? server.listen.port) },
            logger: logger)
        let admin = Application(
            router: AdminEndpoints.router(readiness: readiness),
            configuration: .init(address: .hostname(config.admin.listen.host, port: config.admin.listen.port)),
            onServerRunning: { channel in ports.setAdmin(channel.localAddress?.port ?? 0) },
            logger: logger)
        var configuration = ServiceGroupConfiguration(
            services: [EngineService(engine: engine), StoreService(store: store), AccessLogService(log: accessLog), admin, gateway],
            gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = server.shutdownGrace
        let serviceGroup = ServiceGroup(configuration: configuration)
        group.withLock { $0 = serviceGroup }
        try await serviceGroup.run()
    }

    public func shutdown() async {
        readiness.startDraining()
        let serviceGroup = group.withLock { $0 }
        await serviceGroup?.triggerGracefulShutdown()
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
