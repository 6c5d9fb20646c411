import NIOCore

/// One command on its way to Redis: its encoded bytes, who waits for the reply, and until when.
struct RedisRequest: Sendable {
    var bytes: ByteBuffer
    var reply: EventLoopPromise<RESPValue>
    var deadline: NIODeadline
}

/// Pairs replies with commands on one pipelined connection (RESP answers strictly in order), and
/// delivers pub/sub messages, which arrive unasked, to `onPush`.
///
/// A command that outlives its deadline poisons the order — its late reply would be taken for the next
/// command's — so a deadline that passes fails every waiting command and closes the connection; the
/// pool opens a fresh one.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private var decoder = RESPDecoder()
    private var pending = CircularBuffer<RedisRequest>()
    private var timer: Scheduled<Void>?
    private var failure: StoreError?
    private let onPush: (@Sendable (RESPValue) -> Void)?

    init(onPush: (@Sendable (RESPValue) -> Void)? = nil) {
        self.onPush = onPush
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure {
            request.reply.fail(failure)
            promise?.fail(failure)
            return
        }
        // Its deadline passed while it waited for this connection: written, it would only fire the
        // timer at once and close the connection under every other command in flight.
        guard request.deadline > .now() else {
            let late = StoreError("redis did not answer in time (store.timeout)")
            request.reply.fail(late)
            promise?.fail(late)
            return
        }
        pending.append(request)
        if timer == nil { arm(context) }
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { decoder.append($0) }
        do {
            while let value = try decoder.next() {
                if let request = pending.popFirst() {
                    request.reply.succeed(value)
                } else if let onPush {
                    onPush(value)
                } else {
                    throw StoreError("redis sent a reply nobody asked for")
                }
            }
        } catch {
            fail(context, StoreError("redis reply unreadable: \(error)"))
            return
        }
        timer?.cancel()
        timer = nil
        if !pending.isEmpty { arm(context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(failure ?? StoreError("redis connection closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(context, StoreError("redis connection failed: \(error)"))
    }

    /// One timer, for the oldest command: replies come in order and every command gets the same
    /// timeout, so the oldest is the first to be late (give or take the wait for a connection).
    private func arm(_ context: ChannelHandlerContext) {
        guard let deadline = pending.first?.deadline else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            fail(context, StoreError("redis did not answer in time (store.timeout)"))
        }
    }

    private func fail(_ context: ChannelHandlerContext, _ error: StoreError) {
        guard failure == nil else { return }
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: StoreError) {
        failure = failure ?? error
        timer?.cancel()
        timer = nil
        while let request = pending.popFirst() { request.reply.fail(error) }
    }
}
