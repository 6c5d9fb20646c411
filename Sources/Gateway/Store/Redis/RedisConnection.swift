import NIOCore
import NIOPosix

/// Opening one connection to Redis: TCP, then AUTH and SELECT pipelined, all within one deadline.
/// Sending on an open connection is `send`; everything is asynchronous, nothing blocks an event loop.
enum RedisConnection {
    static func open(
        _ url: RedisURL, group: any EventLoopGroup, timeout: Duration, onPush: (@Sendable (RESPValue) -> Void)? = nil
    ) async throws -> any Channel {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(timeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                // A half-open connection (a host gone without a FIN) is found, not waited on forever.
                .channelOption(.socketOption(.so_keepalive), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(RedisChannelHandler(onPush: onPush))
                    }
                }
                .connect(host: url.host, port: url.port)
                .get()
        } catch {
            throw StoreError("redis at \(url.host):\(url.port) unreachable: \(error)")
        }
        var handshake: [[String]] = []
        if let password = url.password {
            handshake.append(url.username.map { ["AUTH", $0, password] } ?? ["AUTH", password])
        }
        if url.database != 0 { handshake.append(["SELECT", String(url.database)]) }
        do {
            let replies = handshake.map { send($0.map { Array($0.utf8) }, on: channel, deadline: deadline) }
            for (command, reply) in zip(handshake, replies) {
                if case .error(let message) = try await reply.get() {
                    // The command's name only: AUTH's arguments are secrets.
                    throw StoreError("redis refused \(command[0]): \(message)")
                }
            }
        } catch {
            try? await channel.close()
            throw error
        }
        return channel
    }

    /// Queues one command; the future fails with a `StoreError` when the connection fails or the
    /// deadline passes first.
    static func send(_ arguments: [[UInt8]], on channel: any Channel, deadline: NIODeadline) -> EventLoopFuture<RESPValue> {
        let reply = channel.eventLoop.makePromise(of: RESPValue.self)
        var bytes = channel.allocator.buffer(capacity: 64)
        bytes.writeBytes(RESPEncoder.command(arguments))
        channel.writeAndFlush(RedisRequest(bytes: bytes, reply: reply, deadline: deadline)).whenFailure { error in
            // Also when the channel was closed before the handler saw the request.
            reply.fail(error as? StoreError ?? StoreError("redis connection lost: \(error)"))
        }
        return reply.futureResult
    }
}
