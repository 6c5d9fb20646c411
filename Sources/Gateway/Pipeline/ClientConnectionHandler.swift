import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// One client connection, on its event loop: reads a request within `server.max_body` and
/// `server.request_timeout`, runs the plugin chain as a task whose jobs run on this same loop, and
/// writes the answer. Requests on a connection are answered in order (NIO's pipelining helper holds
/// the next one back until this one's answer is written).
///
/// Why not Hummingbird's request loop: it runs each connection as a task on Swift's global pool and
/// streams parts through async sequences, so every request crossed threads several times (perf: most
/// of the CPU on pool threads, context switches the largest single cost). Hummingbird still serves the
/// admin port. It reads NIO's HTTP/1 parts rather than HTTPTypes' through NIO's converter: the head
/// keeps the keep-alive verdict, and answers skip one header-list conversion per request.
final class ClientConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// A request whose head has arrived.
    private struct Reading {
        let exchange: Exchange
        var runtime: GatewayRuntime
        var started: Date
        var clock: ContinuousClock.Instant
        /// When `server.request_timeout` runs out for this request.
        var deadline: NIODeadline
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
    private var state = State.idle
    private var number: UInt64 = 0
    private var remoteAddress: String?
    private var executor: EventLoopTaskExecutor?
    private var timer: Scheduled<Void>?
    /// When `timer` fires.
    private var timerDue = NIODeadline.distantFuture
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
    /// An answer is being written (see `run`).
    private var writingAnswer = false

    init(runtime: RuntimeHolder, observer: @escaping ExchangeObserver, idleTimeout: TimeAmount) {
        self.runtime = runtime
        self.observer = observer
        self.idleTimeout = idleTimeout
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
        // Also the running request's deadline: the chain finishes on its own (a forward already sent
        // must record its outcome); its answer, not a timeout, is what gets logged, with nowhere to go.
        timer?.cancel()
        if case .reading(let reading) = state { abandon(reading) }
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
        setTimer(context, due: idleSince + idleTimeout)
    }

    private func begin(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        guard case .idle = state else { return }
        guard let request = Self.request(head, remoteAddress: remoteAddress) else {
            // A method HTTPTypes refuses: what NIO's converter did, a protocol error.
            return context.close(promise: nil)
        }
        number &+= 1
        requestEnded = false
        let runtime = runtime.current
        let exchange = Exchange(request: request, requestId: RequestID.accept(request.headers[.xRequestID]), format: runtime.defaultFormat, style: runtime.style)
        let now = NIODeadline.now()
        let reading = Reading(
            exchange: exchange, runtime: runtime, started: Date(), clock: .now, deadline: now + TimeAmount(runtime.requestTimeout), keepAlive: head.isKeepAlive)
        if let refusal = RequestLimits.refuseEarly(exchange, runtime) {
            answer(context, refusal, reading)
            return
        }
        state = .reading(reading)
        // The connection's one timer is never set later than a request deadline from when it was set
        // (`setTimer`), so a request that begins now needs no timer of its own.
        if timerDue > reading.deadline { setTimer(context, due: reading.deadline) }
    }

    /// The request as the plugins see it: HTTPTypes' header fields (the first `Host` is not among them,
    /// as with NIO's converter), and the target as sent; an absolute-form target is cut to its path.
    private static func request(_ head: HTTPRequestHead, remoteAddress: String?) -> GatewayRequest? {
        if case .RAW(let method) = head.method, HTTPRequest.Method(method) == nil { return nil }
        var target = head.uri
        if target.utf8.first != UInt8(ascii: "/") {
            guard let converted = try? HTTPRequest(head, secure: false, splitCookie: false) else { return nil }
            target = converted.path ?? "/"
        }
        return GatewayRequest(
            method: head.method.rawValue, target: target, headers: HTTPFields(head.headers, splitCookie: false), body: ByteBuffer(), remoteAddress: remoteAddress)
    }

    private func append(_ context: ChannelHandlerContext, _ chunk: ByteBuffer) {
        guard case .reading(let reading) = state else { return }
        var chunk = chunk
        guard reading.exchange.request.body.readableBytes + chunk.readableBytes <= reading.runtime.maxBody else {
            answer(context, RequestLimits.tooLarge(reading.exchange, reading.runtime), reading)
            return
        }
        reading.exchange.request.body.writeBuffer(&chunk)
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
        let operation: @Sendable () async -> Void = {
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
        // The chain starts right here, on the loop, and runs until it first waits (for the store or
        // the upstream): a replay or a refusal is answered without a trip through the loop's queue.
        // Not while an answer is being written: NIO's pipelining helper hands the next queued request
        // over from inside that write, and starting it in place would nest one answer per pipelined
        // request on the stack.
        guard let executor, !writingAnswer else {
            Task(executorPreference: executor, operation: operation)
            return
        }
        executor.startInline { Task(executorPreference: executor, operation: operation) }
    }

    private func finished(_ context: ChannelHandlerContext, number finishedNumber: UInt64, _ response: GatewayResponse) {
        // A request that timed out was answered already; its late response is not logged twice.
        guard case .running(let current, let reading) = state, current == finishedNumber else { return }
        state = .idle
        answer(context, response, reading)
    }

    /// A request that will never be read to its end (the client went away or sent a broken body):
    /// logged as unreadable, as nothing else will log it.
    private func abandon(_ reading: Reading) {
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
            let lingerDue = idleSince + min(idleTimeout, Self.linger)
            if active, timerDue > lingerDue { setTimer(context, due: lingerDue) }
        }
        guard active else { return }
        let wasWriting = writingAnswer
        writingAnswer = true
        defer { writingAnswer = wasWriting }
        context.write(wrapOutboundOut(.head(head(for: response, close: close))), promise: nil)
        if response.body.readableBytes > 0, reading.exchange.request.method != "HEAD" {
            context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
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

    /// Our header lines as NIO's: names HTTPTypes would refuse are dropped and values legalized as
    /// HTTPTypes does (the encoder writes them as given); the gateway sets the length, the date and,
    /// on a closing answer, `Connection`.
    private func head(for response: GatewayResponse, close: Bool) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.headers.count + 4)
        var hasRequestID = false
        for header in response.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            let field = HTTPField(name: name, value: header.value)
            switch name {
            case .contentLength, .date: continue
            case .connection where close: continue
            case .xRequestID: hasRequestID = true
            default: break
            }
            headers.add(name: name.rawName, value: field.value)
        }
        if !hasRequestID { headers.add(name: "X-Request-Id", value: response.exchange.requestId) }
        headers.add(name: "Content-Length", value: String(response.body.readableBytes))
        headers.add(name: "Date", value: date.now())
        if close { headers.add(name: "Connection", value: "close") }
        return HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
    }

    /// One timer per connection, not one or two per request. It fires at the earliest moment something
    /// may be due — the request's deadline (`server.request_timeout`: 504), the end of an idle spell, or
    /// of a closing answer's linger — and otherwise sets itself again. It is never set further ahead
    /// than the shorter of the two timeouts, so neither a request that begins later nor an idle spell
    /// that begins when a request ends needs a timer of its own; a connection wakes at most once per
    /// that span.
    private func setTimer(_ context: ChannelHandlerContext, due: NIODeadline) {
        timer?.cancel()
        let due = min(due, .now() + min(idleTimeout, TimeAmount(runtime.current.requestTimeout)))
        timerDue = due
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: due) {
            let (handler, context) = bound.value
            handler.timerFired(context)
        }
    }

    private func timerFired(_ context: ChannelHandlerContext) {
        timer = nil
        timerDue = .distantFuture
        guard active else { return }
        let now = NIODeadline.now()
        let due: NIODeadline
        switch state {
        // A head trickling in never completes, so it counts as idle too.
        case .idle: due = idleSince + idleTimeout
        case .closing: due = idleSince + min(idleTimeout, Self.linger)
        case .reading(let reading), .running(_, let reading):
            guard reading.deadline > now else {
                // A closing answer (it sets the linger timer); a forward already sent runs on, so
                // that its outcome is still recorded.
                return answer(context, RequestLimits.timedOut(reading.exchange, reading.runtime), reading)
            }
            due = reading.deadline
        }
        if due <= now { return context.close(promise: nil) }
        setTimer(context, due: due)
    }
}
