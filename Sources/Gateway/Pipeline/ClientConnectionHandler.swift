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
/// streams parts through async sequences, so every request crossed threads several times; measured
/// (perf, replay path) that was about half of a request's CPU. Hummingbird still serves the admin port.
final class ClientConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    /// A request whose head has arrived and whose body is being read.
    private struct Reading {
        var exchange: Exchange
        var runtime: GatewayRuntime
        var started: Date
        var clock: ContinuousClock.Instant
    }

    private enum State {
        /// Between requests; the idle timer runs.
        case idle
        case reading(Reading)
        /// The chain runs; its answer goes out if it is still for request `number`.
        case running(number: UInt64, Reading)
        /// Answered before the request was read to its end; the rest of it is ignored, then the
        /// connection closes.
        case refused
    }

    private let runtime: RuntimeHolder
    private let observer: ExchangeObserver
    private let idleTimeout: TimeAmount
    private var state = State.idle
    private var number: UInt64 = 0
    private var remoteAddress: String?
    private var executor: EventLoopTaskExecutor?
    private var deadline: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?
    /// When the connection last became idle (opened, or answered a request).
    private var idleSince = NIODeadline.now()
    private var quiescing = false
    private var active = false
    private var date = HTTPDate()

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
        idleTimer?.cancel()
        // A request still running finishes on its own (a forward already sent must record its
        // outcome); its answer is logged but has nowhere to go.
        if case .reading = state { deadline?.cancel() }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): begin(context, head)
        case .body(let chunk): append(context, chunk)
        case .end: run(context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else { return context.fireUserInboundEventTriggered(event) }
        // Shutting down: an idle connection closes now, a busy one after its answer.
        quiescing = true
        if case .idle = state { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
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
        number &+= 1
        let runtime = runtime.current
        let request = GatewayRequest(
            method: head.method.rawValue, target: head.path ?? "/", headers: head.headerFields, body: ByteBuffer(), remoteAddress: remoteAddress)
        let exchange = Exchange(request: request, requestId: RequestID.accept(head.headerFields[.xRequestID]), format: runtime.defaultFormat, style: runtime.style)
        let reading = Reading(exchange: exchange, runtime: runtime, started: Date(), clock: .now)
        if let refusal = RequestLimits.refuseEarly(head, exchange, runtime) {
            state = .refused
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
            state = .refused
            deadline?.cancel()
            answer(context, RequestLimits.tooLarge(reading.exchange, reading.runtime), reading)
            return
        }
        // Take the state's copy out first so the body is appended in place, not copied per chunk.
        state = .idle
        reading.exchange.request.body.writeBuffer(&chunk)
        state = .reading(reading)
    }

    private func run(_ context: ChannelHandlerContext) {
        guard case .reading(let reading) = state else {
            if case .refused = state { context.close(promise: nil) }
            return
        }
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
            state = .refused
            answer(context, RequestLimits.timedOut(reading.exchange, reading.runtime), reading)
        default:
            break
        }
    }

    /// Logs the answer and writes it; closes the connection after it when it says so, when the client
    /// asked to, or when the gateway is shutting down.
    private func answer(_ context: ChannelHandlerContext, _ response: GatewayResponse, _ reading: Reading) {
        observer(response, reading.started, ContinuousClock.now - reading.clock)
        guard active else { return }
        let close = response.closeConnection || quiescing || Self.asksToClose(reading.exchange.request.headers)
        context.write(wrapOutboundOut(.head(head(for: response, close: close))), promise: nil)
        if response.body.readableBytes > 0, reading.exchange.request.method != "HEAD" {
            context.write(wrapOutboundOut(.body(response.body)), promise: nil)
        }
        if close {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
            if case .idle = state { state = .refused }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            if case .idle = state { idleSince = .now() }
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
        if fields[.date] == nil { fields[.date] = date.now() }
        if close { fields[.connection] = "close" }
        return HTTPResponse(status: HTTPResponse.Status(code: response.status), headerFields: fields)
    }

    /// One timer per connection, not one per request: when it fires it closes an idle connection
    /// that has been idle long enough, and otherwise sets itself for the earliest moment it could be.
    private func armIdleTimer(_ context: ChannelHandlerContext, at deadline: NIODeadline? = nil) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleTask(deadline: deadline ?? idleSince + idleTimeout) {
            let (handler, context) = bound.value
            guard handler.active else { return }
            // Only between requests: a head trickling in never completes, so it counts as idle too.
            if case .idle = handler.state {
                let due = handler.idleSince + handler.idleTimeout
                if due <= .now() { return context.close(promise: nil) }
                handler.armIdleTimer(context, at: due)
            } else {
                handler.armIdleTimer(context, at: .now() + handler.idleTimeout)
            }
        }
    }

    private static func asksToClose(_ headers: HTTPFields) -> Bool {
        headers[values: .connection].contains { value in
            value.split(separator: ",").contains { $0.trimmingCharacters(in: [" ", "\t"]).lowercased() == "close" }
        }
    }
}

/// The `Date` header, formatted once per second per connection.
struct HTTPDate {
    private var second = 0
    private var text = ""

    mutating func now() -> String {
        var time = time_t(Date().timeIntervalSince1970)
        guard time != second else { return text }
        second = time
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        text = String(
            format: "%@, %02d %@ %04d %02d:%02d:%02d GMT", days[Int(parts.tm_wday)], parts.tm_mday, months[Int(parts.tm_mon)], parts.tm_year + 1900,
            parts.tm_hour, parts.tm_min, parts.tm_sec)
        return text
    }
}
