import NIOCore
import NIOHTTP1
import NIOPosix

/// A local stand-in for the Platform API (`gateway stub-upstream`): ServiceStack binding and error
/// behaviour for the resend service, an invitation ledger at `GET /__stub/sent`, and fault switches.
/// For trying the gateway, for client developers' integration tests, and for this project's tests.
public final class StubUpstream: Sendable {
    public let ledger: StubLedger
    public let port: Int
    private let channel: any Channel

    private init(ledger: StubLedger, port: Int, channel: any Channel) {
        self.ledger = ledger
        self.port = port
        self.channel = channel
    }

    public static func start(_ options: StubOptions) async throws -> StubUpstream {
        let ledger = StubLedger()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(StubHTTPHandler(ledger: ledger, options: options))
                }
            }
            .bind(host: options.host, port: options.port)
            .get()
        return StubUpstream(ledger: ledger, port: channel.localAddress?.port ?? options.port, channel: channel)
    }

    public func stop() async {
        try? await channel.close()
    }

    /// Waits until the listening socket is closed.
    public func wait() async throws {
        try await channel.closeFuture.get()
    }
}
