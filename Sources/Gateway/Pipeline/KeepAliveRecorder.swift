import NIOCore
import NIOHTTP1

/// The keep-alive verdict of each request head, in order: NIO's parser knows the HTTP version, the
/// `HTTPTypes` request the handler sees does not (an HTTP/1.0 client without keep-alive waits for the
/// connection to close). Both handlers run on the connection's event loop.
final class KeepAliveLog {
    private var verdicts: [Bool] = []

    func record(_ keepAlive: Bool) { verdicts.append(keepAlive) }

    /// The next head's verdict; keep-alive when none was recorded.
    func next() -> Bool { verdicts.isEmpty ? true : verdicts.removeFirst() }
}

/// Records each head's keep-alive verdict for `ClientConnectionHandler`; passes every part on.
final class KeepAliveRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let log: KeepAliveLog

    init(log: KeepAliveLog) {
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) { log.record(head.isKeepAlive) }
        context.fireChannelRead(data)
    }
}
