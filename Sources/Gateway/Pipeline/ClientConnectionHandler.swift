import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// One client connection, on its event loop: reads a request within `server.max_body` and
/// `server.request_timeout`, runs the plugin chain as a task whose jobs run on this same loop, and
/// writes the answer. Requests on a connection are answered in order (NIO's pipelining helper holds
/// the next one back until this one's answer is written).
///
/// Why not Hummingbird's request loop: it runs each connection as a task on Swift's global pool and
/// streams parts through async sequences, so every request crossed threads several times (perf: most
/// of the CPU on pool threads, context switches the largest single cost). Hummingbird still serves the
/// admin port.
final class ClientConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    /// A request whose head has arrived.
    private struct Reading {
        var exchange: Exchange
        var runtime: GatewayRuntime
        var started: Date
        var clock: ContinuousClock.Instant
        /// HTTP/1.1 without `Connection: close`, or HTTP/1.0 with `Connection: keep-alive`.
        var keepAlive: Bool
    }

    private enum State {
        /// Between requests; the idle timer runs.
        case idle
        case reading(Reading)
        /// The chain runs; its answer goes out if it is still for request `number`.
        case running(number: UInt64, Reading)
        /// A closing answer was written: nothing more is read or run (pipelined requests behind it are
        /// dropped), and the connection closes once the answer is out and the request was read.
        case closing
    }

    /// How long a connection that got a closing answer mid-upload may go on sending its body (so the
    /// client reads the answer instead of a reset) before it is cut off: nginx's `lingering_timeout`.
    private static let linger = TimeAmount.seconds(5)

    private let runtime: RuntimeHolder
    private let observer: ExchangeObserver
    private let idleTimeout: TimeAmount
    private let keepAliveLog: KeepAliveLog
    private var state = State.idle
    private var number: UInt64 = 0
    private var remoteAddress: String?
    private var executor: EventLoopTaskExecutor?
    private var deadline: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?
    /// When the connection last became idle (opened, or answered a request), or began closing.
    private var idleSince = NIODeadline.now()
    private var active = false
    /// The client shut down its sending side; answer what was asked, then close.
    private var inputClosed = false
    /// The request being handled (or the last one) was read to its end.
    private var requestEnded = true
    /// The closing answer has been flushed.
    private var closingAnswerOut = false
    private var date = HTTPDate()

    init(runtime: RuntimeHolder, observer: @escaping ExchangeObserver, idleTimeout: TimeAmount, keepAliveLog: KeepAliveLog) {
        self.runtime = runtime
        self.observer = observer
        self.idleTimeout = idleTimeout
        self.keepAliveLog = keepAliveLog
    }

    func handlerAdded(context: ChannelHandlerContext) {
        executor = EventLoopTaskExecutor(loop: context.eventLoop)
        if context.channel.isActive { becameActive(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        becameActive(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        active = false
        idleTimer?.cancel()
        switch state {
        case .reading(let reading):
            abandon(reading)
        case .running:
            // The chain finishes on its own (a forward already sent must record its outcome); its
            // answer, not a timeout, is what gets logged, with nowhere to send it.
            deadline?.cancel()
        case .idle, .closing:
            break
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): begin(context, head)
        case .body(let chunk): append(context, chunk)
        case .end: ended(context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Quiescing (shutdown) is NIO's pipelining helper's job: it closes idle connections and adds
        // `Connection: close` to the answer in flight.
        guard let event = event as? ChannelEvent, event == .inputClosed else { return context.fireUserInboundEventTriggered(event) }
        inputClosed = true
        switch state {
        case .idle:
            context.close(promise: nil)
        case .reading(let reading):
            abandon(reading)
            context.close(promise: nil)
        case .running:
            break  // answered, then closed
        case .closing:
            if closingAnswerOut { context.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .reading(let reading) = state { abandon(reading) }
        context.close(promise: nil)
    }

    private func becameActive(_ context: ChannelHandlerContext) {
        guard !active else { return }
        active = true
        remoteAddress = context.channel.remoteAddress?.ipAddress
        idleSince = .now()
        armIdleTimer(context)
    }

    private func begin(_ context: ChannelHandlerContext, _ head: HTTPRequest) {
        let keepAlive = keepAliveLog.next()
        guard case .idle = state else { return }
        number &+= 1
        requestEnded = false
        let runtime = runtime.current
        let request = GatewayRequest(
            method: head.method.rawValue, target: head.path ?? "/", headers: head.headerFields, body: ByteBuffer(), remoteAddress: remoteAddress)
        let exchange = Exchange(request: request, requestId: RequestID.accept(head.headerFields[.xRequestID]), format: runtime.defaultFormat, style: runtime.style)
        let reading = Reading(exchange: exchange, runtime: runtime, started: Date(), clock: .now, keepAlive: keepAlive)
        if let refusal = RequestLimits.refuseEarly(head, exchange, runtime) {
            answer(context, refusal, reading)
            return
        }
        state = .reading(reading)
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let current = number
        deadline = context.eventLoop.scheduleTask(in: TimeAmount(runtime.requestTimeout)) {
            let (handler, context) = bound.value
            handler.timedOut(context, number: current)
        }
    }

    private func append(_ context: ChannelHandlerContext, _ chunk: ByteBuffer) {
        guard case .reading(var reading) = state else { return }
        var chunk = chunk
        guard reading.exchange.request.body.readableBytes + chunk.readableBytes <= reading.runtime.maxBody else {
            deadline?.cancel()
            answer(context, RequestLimits.tooLarge(reading.exchange, reading.runtime), reading)
            return
        }
        // Take the state's copy out first so the body is appended in place, not copied per chunk.
        state = .idle
        reading.exchange.request.body.writeBuffer(&chunk)
        state = .reading(reading)
    }

    private func ended(_ context: ChannelHandlerContext) {
        switch state {
        case .reading(let reading):
            requestEnded = true
            run(context, reading)
        case .closing:
            requestEnded = true
            if closingAnswerOut { context.close(promise: nil) }
        case .idle, .running:
            break  // the end of a pipelined request dropped behind a closing answer
        }
    }

    private func run(_ context: ChannelHandlerContext, _ reading: Reading) {
        let current = number
        state = .running(number: current, reading)
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let loop = context.eventLoop
        let pipeline = reading.runtime.pipeline
        let exchange = reading.exchange
        Task(executorPreference: executor) {
            let response = await pipeline.run(exchange)
            // Jobs of this task run on the loop; the check covers the case they ever do not.
            if loop.inEventLoop {
                let (handler, context) = bound.value
                handler.finished(context, number: current, response)
            } else {
                loop.execute {
                    let (handler, context) = bound.value
                    handler.finished(context, number: current, response)
                }
            }
        }
    }

    private func finished(_ context: ChannelHandlerContext, number finishedNumber: UInt64, _ response: GatewayResponse) {
        // A request that timed out was answered already; its late response is not logged twice.
        guard case .running(let current, let reading) = state, current == finishedNumber else { return }
        deadline?.cancel()
        state = .idle
        answer(context, response, reading)
    }

    private func timedOut(_ context: ChannelHandlerContext, number timedOutNumber: UInt64) {
        switch state {
        case .reading(let reading) where number == timedOutNumber, .running(timedOutNumber, let reading):
            // A forward already sent runs on, so that its outcome is still recorded.
            answer(context, RequestLimits.timedOut(reading.exchange, reading.runtime), reading)
        default:
            break
        }
    }

    /// A request that will never be read to its end (the client went away or sent a broken body):
    /// logged as unreadable, as nothing else will log it.
    private func abandon(_ reading: Reading) {
        deadline?.cancel()
        state = .closing
        observer(RequestLimits.unreadable(reading.exchange), reading.started, ContinuousClock.now - reading.clock)
    }

    /// Logs the answer and writes it. After a closing answer (the response says so, the client asked
    /// to, or it closed its side) nothing more is read or run; the connection closes once the answer is
    /// out and the request was read, or shuts its sending side while a body is still arriving.
    private func answer(_ context: ChannelHandlerContext, _ response: GatewayResponse, _ reading: Reading) {
        observer(response, reading.started, ContinuousClock.now - reading.clock)
        let close = response.closeConnection || inputClosed || !reading.keepAlive
        if close {
            // Before the end is written: NIO's pipelining helper hands over the next queued request
            // from inside that write, and it must find this connection closing.
            state = .closing
            idleSince = .now()
        }
        guard active else { return }
        context.write(wrapOutboundOut(.head(head(for: response, close: close))), promise: nil)
        if response.body.readableBytes > 0, reading.exchange.request.method != "HEAD" {
            context.write(wrapOutboundOut(.body(response.body)), promise: nil)
        }
        guard close else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            if case .idle = state { idleSince = .now() }
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            let (handler, context) = bound.value
            handler.closingAnswerOut = true
            if handler.requestEnded || handler.inputClosed {
                context.close(promise: nil)
            } else {
                context.close(mode: .output, promise: nil)
            }
        }
    }

    private func head(for response: GatewayResponse, close: Bool) -> HTTPResponse {
        var fields = HTTPFields()
        fields.reserveCapacity(response.headers.count + 4)
        for header in response.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            fields.append(HTTPField(name: name, value: header.value))
        }
        if fields[.xRequestID] == nil { fields[.xRequestID] = response.exchange.requestId }
        fields[.contentLength] = String(response.body.readableBytes)
        fields[.date] = date.now()
        if close { fields[.connection] = "close" }
        return HTTPResponse(status: HTTPResponse.Status(code: response.status), headerFields: fields)
    }

    /// One timer per connection, not one per request: when it fires it closes a connection idle (or
    /// lingering after a closing answer) for long enough, and otherwise sets itself for the earliest
    /// moment it could be.
    private func armIdleTimer(_ context: ChannelHandlerContext, at deadline: NIODeadline? = nil) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleTask(deadline: deadline ?? idleSince + idleTimeout) {
            let (handler, context) = bound.value
            guard handler.active else { return }
            let limit: TimeAmount
            switch handler.state {
            // A head trickling in never completes, so it counts as idle too.
            case .idle: limit = handler.idleTimeout
            case .closing: limit = min(handler.idleTimeout, Self.linger)
            case .reading, .running: return handler.armIdleTimer(context, at: .now() + handler.idleTimeout)
            }
            let due = handler.idleSince + limit
            if due <= .now() { return context.close(promise: nil) }
            handler.armIdleTimer(context, at: due)
        }
    }
}
