import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The client listener (`server.listen`) as a service: SwiftNIO's HTTP/1.1 parser, pipelining helper
/// and protocol-error handler, then one `ClientConnectionHandler` per connection. At most
/// `server.max_connections` are open (Hummingbird's accept gate: further clients wait in the backlog).
/// Graceful shutdown closes the listening socket, lets every connection finish the request it is in,
/// and closes whatever is still open when the service group's grace runs out.
final class ClientListener: Service {
    struct Settings: Sendable {
        var host: String
        var port: Int
        var maxConnections: Int
        var maxHeaderBytes: Int
        var idleTimeout: Duration
    }

    private let settings: Settings
    private let runtime: RuntimeHolder
    private let observer: ExchangeObserver
    private let ports: ListeningPorts
    private let connections = OpenConnections()

    init(settings: Settings, runtime: RuntimeHolder, observer: @escaping ExchangeObserver, ports: ListeningPorts) {
        self.settings = settings
        self.runtime = runtime
        self.observer = observer
        self.ports = ports
    }

    func run() async throws {
        let (settings, runtime, observer, connections) = (settings, runtime, observer, connections)
        let limits = Self.decoderLimits(settings)
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AvailableConnectionsChannelHandler(maxConnections: settings.maxConnections))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // A client that shuts its sending side after the request still gets the answer.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.configureHTTPServerPipeline(
                        withPipeliningAssistance: true, withErrorHandling: true, withOutboundHeaderValidation: false,
                        withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits)
                    try sync.addHandler(ClientConnectionHandler(runtime: runtime, observer: observer, idleTimeout: TimeAmount(settings.idleTimeout)))
                    connections.add(channel)
                }
            }
            .bind(host: settings.host, port: settings.port)
            .get()
        ports.setGateway(listener.localAddress?.port ?? settings.port)
        // Graceful shutdown: stop accepting, let each connection finish its request. Cancellation (the
        // grace ran out, or another service failed and the group is stopping): close everything now.
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await listener.closeFuture.get()
            await withTaskCancellationHandler {
                await connections.waitUntilAllClosed()
            } onCancel: {
                connections.closeAll()
            }
        } onCancelOrGracefulShutdown: {
            listener.close(promise: nil)
            connections.quiesceAll()
        }
    }

    /// Twice max_header_bytes: between the two the gateway answers 431 in ServiceStack's shape;
    /// beyond it the parser answers a plain 400 and closes.
    private static func decoderLimits(_ settings: Settings) -> NIOHTTPDecoderLimitConfiguration {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = settings.maxHeaderBytes * 2
        limits.maxHeaderListSize = settings.maxHeaderBytes * 2
        return limits
    }
}

/// The client connections currently open, so that shutdown can tell each to finish and close.
final class OpenConnections: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var quiescing = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    func add(_ channel: any Channel) {
        let quiescing = state.withLockedValue { state in
            state.channels[ObjectIdentifier(channel)] = channel
            return state.quiescing
        }
        channel.closeFuture.whenComplete { [self] _ in remove(channel) }
        if quiescing { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
    }

    func quiesceAll() {
        let channels = state.withLockedValue { state in
            state.quiescing = true
            return Array(state.channels.values)
        }
        for channel in channels { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
    }

    func closeAll() {
        let channels = state.withLockedValue { Array($0.channels.values) }
        for channel in channels { channel.close(promise: nil) }
    }

    func waitUntilAllClosed() async {
        await withCheckedContinuation { continuation in
            let done = state.withLockedValue { state -> Bool in
                if state.channels.isEmpty { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func remove(_ channel: any Channel) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.channels[ObjectIdentifier(channel)] = nil
            guard state.channels.isEmpty else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
