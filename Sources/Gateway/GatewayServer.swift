import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import NIOConcurrencyHelpers

/// The whole gateway process: the client listener, the admin listener, the libcurl engine, the store,
/// the access log and the signal handling, run as one service group.
public final class GatewayServer: Sendable {
    public let ports = ListeningPorts()
    public let readiness = Readiness()
    public let metrics = GatewayMetrics(version: GatewayVersion.current)
    private let configPath: String?
    private let environment: [String: String]
    private let engine: CurlEngine
    private let store: any ResendStore
    private let inflight = InflightCounter()
    private let waits: WaitRegistry
    private let memoryStore: MemoryStore?
    private let runtime: RuntimeHolder
    private let logger: Logger
    private let group = NIOLockedValueBox<ServiceGroup?>(nil)
    private let current: NIOLockedValueBox<GatewayConfig>
    private let observer: ExchangeObserver
    private let accessLog: AccessLog

    /// - Parameters:
    ///   - configPath: the file SIGHUP re-reads; nil disables reloading.
    ///   - observer: sees every response after it is made, besides the access log and the metrics.
    public init(
        config: GatewayConfig, configPath: String? = nil, logger: Logger, environment: [String: String],
        observer: @escaping ExchangeObserver = { _, _, _ in }
    ) throws {
        self.configPath = configPath
        self.environment = environment
        self.logger = logger
        current = NIOLockedValueBox(config)
        let accessLog = try AccessLog(path: config.accessLog.path, format: config.accessLog.format, redactQuery: config.accessLog.redactQuery)
        self.accessLog = accessLog
        let metrics = self.metrics
        self.observer = { response, started, duration in
            accessLog.record(response, started: started, duration: duration)
            metrics.observe(response, duration: duration)
            observer(response, started, duration)
        }
        engine = try CurlEngine(settings: CurlSettings(config.upstream))
        let waits = WaitRegistry()
        self.waits = waits
        let opened = try StoreFactory.open(config.store, environment: environment, waits: waits, logger: logger)
        memoryStore = (opened as? TransactionalResendStore)?.store as? MemoryStore
        store = MeteredStore(inner: opened, metrics: metrics)
        do {
            runtime = RuntimeHolder(try Self.runtime(config, engine, inflight, store, waits, logger, environment))
        } catch {
            // Nothing will run the store's service: close it here (Redis connections, the SQLite file).
            Task { await opened.close() }
            throw error
        }
    }

    public var config: GatewayConfig { current.withLockedValue { $0 } }

    /// Runs until SIGTERM/SIGINT (when `handleSignals`) or `shutdown()`.
    public func run(handleSignals: Bool = true) async throws {
        let config = self.config
        let server = config.server
        let ports = self.ports
        let gateway = ClientListener(
            settings: .init(
                host: server.listen.host, port: server.listen.port, maxConnections: server.maxConnections, maxHeaderBytes: server.maxHeaderBytes,
                idleTimeout: server.idleTimeout),
            runtime: runtime, observer: observer, ports: ports)
        let (metrics, inflight, accessLog) = (self.metrics, self.inflight, self.accessLog)
        let admin = Application(
            router: AdminEndpoints.router(readiness: readiness) { metrics.scrape(inflightForwards: inflight.current, accessLogDropped: accessLog.dropped) },
            configuration: .init(address: .hostname(config.admin.listen.host, port: config.admin.listen.port)),
            onServerRunning: { channel in ports.setAdmin(channel.localAddress?.port ?? 0) },
            logger: logger)
        var services: [any Service] = [
            EngineService(engine: engine), StoreService(store: store, memory: memoryStore), AccessLogService(log: accessLog),
            StoreProber(store: store, readiness: readiness, logger: logger),
        ]
        if handleSignals { services.append(SignalService(server: self)) }
        services += [admin, gateway]
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        configuration.maximumGracefulShutdownDuration = server.shutdownGrace
        let serviceGroup = ServiceGroup(configuration: configuration)
        group.withLockedValue { $0 = serviceGroup }
        try await serviceGroup.run()
    }

    /// SIGTERM/SIGINT: `/readyz` turns 503 at once, requests are still served for `server.drain_delay`,
    /// then the listeners close and in-flight requests get `server.shutdown_grace`. A second signal
    /// skips the rest of the delay.
    public func shutdown() async {
        let first = readiness.startDraining()
        let delay = config.server.drainDelay
        if first, delay > .zero {
            logger.info("draining", metadata: ["drain_delay": "\(ConfigValues.format(delay))"])
            try? await Task.sleep(for: delay)
        }
        let serviceGroup = group.withLockedValue { $0 }
        await serviceGroup?.triggerGracefulShutdown()
    }

    /// SIGHUP: parse and validate the file again; swap it in for new requests if it is valid and
    /// changes nothing that is fixed at start, otherwise keep the running one and say why.
    public func reload() {
        guard let configPath else { return }
        let text = (try? String(contentsOfFile: configPath, encoding: .utf8)) ?? ""
        let hash = String(Digest.sha256Hex(text).prefix(12))
        let report = ConfigLoader.load(path: configPath, environment: environment)
        guard let config = report.config else {
            metrics.reload("invalid")
            logger.error("configuration not reloaded: the file is invalid; the running configuration stays", metadata: [
                "problems": "\(report.problems.map(\.description).joined(separator: "; "))"
            ])
            return
        }
        let fixed = ConfigReload.fixedKeysChanged(from: self.config, to: config)
        guard fixed.isEmpty else {
            metrics.reload("refused")
            logger.error("configuration not reloaded: these settings need a restart; the running configuration stays", metadata: ["keys": "\(fixed.joined(separator: ", "))"])
            return
        }
        do {
            runtime.replace(with: try Self.runtime(config, engine, inflight, store, waits, logger, environment))
            current.withLockedValue { $0 = config }
            metrics.reload("ok")
            for warning in report.warnings { logger.warning("\(warning.message)") }
            logger.info("configuration reloaded", metadata: ["sha256": "\(hash)"])
        } catch {
            metrics.reload("invalid")
            logger.error("configuration not reloaded: \(error); the running configuration stays")
        }
    }

    public func reopenAccessLog() {
        accessLog.reopen()
    }

    private static func runtime(
        _ config: GatewayConfig, _ engine: CurlEngine, _ inflight: InflightCounter, _ store: any ResendStore, _ waits: WaitRegistry,
        _ logger: Logger, _ environment: [String: String]
    ) throws -> GatewayRuntime {
        let forwarder = UpstreamForwarder(settings: try UpstreamForwarder.Settings(config, environment: environment), engine: engine, inflight: inflight)
        let context = PluginContext(environment: environment, store: store, waits: waits, logger: logger)
        return try GatewayRuntime(config, context: context, forwarder: forwarder)
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
