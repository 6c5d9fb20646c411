import NIOCore
import NIOHTTP1

/// One connection of the stand-in upstream. Plain SwiftNIO rather than Hummingbird: the faults it
/// imitates (close after reading, hang, count connections) need the socket itself.
final class StubHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let maxBody = 1 << 20

    private let ledger: StubLedger
    private let options: StubOptions
    private let service: StubResendService
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(ledger: StubLedger, options: StubOptions) {
        self.ledger = ledger
        self.options = options
        self.service = StubResendService(formats: options.formats, style: options.wireStyle)
    }

    func channelActive(context: ChannelHandlerContext) {
        ledger.connectionOpened()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            if body.count + buffer.readableBytes <= Self.maxBody { body.append(contentsOf: buffer.readableBytesView) }
        case .end:
            guard let head else { return }
            self.head = nil
            respond(context: context, head: head, body: body)
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, body: [UInt8]) {
        ledger.requestRead()
        if ledger.takeCloseFault() {
            context.close(promise: nil)
            return
        }
        let target = head.uri
        let path = target.firstIndex(of: "?").map { target[..<$0] } ?? Substring(target)
        let query = target.firstIndex(of: "?").map { target[target.index(after: $0)...] }
        switch path {
        case "/__stub/sent":
            write(context, head, 200, "OK", [("Content-Type", ContentTypes.json)], ledger.report())
        case "/__stub/last":
            write(context, head, 200, "OK", [("Content-Type", ContentTypes.json)], ledger.lastResend)
        case "/__stub/faults":
            if let count = QueryString.firstValue(named: "close_next", in: query).flatMap({ Int($0) }) { ledger.armClose(count) }
            if let count = QueryString.firstValue(named: "error_next", in: query).flatMap({ Int($0) }) { ledger.armError(count) }
            write(context, head, 204, "No Content", [], "")
        case _ where path.hasPrefix("/__stub/status/"):
            let code = Int(path.dropFirst("/__stub/status/".count)) ?? 500
            write(context, head, code, nil, [("Content-Type", "text/plain")], "status \(code)")
        default:
            if case .resend(let route) = ResendPath.classify(path) {
                resend(context, head, route, query, body)
            } else {
                echo(context, head, body)
            }
        }
    }

    private func resend(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ route: ResendRoute, _ query: Substring?, _ body: [UInt8]) {
        ledger.recordLastResend(Self.describe(head, body))
        if head.method == .OPTIONS {
            // Like ServiceStack's CorsFeature: a preflight is answered without running the service.
            write(context, head, 204, "No Content", [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")], "")
            return
        }
        let ordinal = ledger.countResend()
        if options.failEvery > 0, ordinal % options.failEvery == 0 {
            write(context, head, 503, "Service Unavailable", [("Content-Type", "text/plain")], "stub: failing on purpose")
            return
        }
        let input = StubResendService.Input(
            method: head.method.rawValue, route: route, query: query, contentType: head.headers.first(name: "Content-Type"),
            accept: head.headers.first(name: "Accept"), body: body)
        var answer = service.handle(input)
        if answer.invitation != nil, ledger.takeErrorFault() {
            // The service threw after binding, in debug mode: typed 500 with a stack trace, nothing sent.
            let status = ResponseStatus(
                errorCode: "NullReferenceException", message: "Object reference not set to an instance of an object.",
                stackTrace: "[ConnectionRequestResend: 2026-01-01]:\n   at Service.Any(ConnectionRequestResend request)")
            answer = service.error(500, "NullReferenceException", answer.format, status, .resend)
        }
        if let invitation = answer.invitation {
            ledger.recordInvitation(connectionRequestId: invitation.connectionRequestId, contactId: invitation.contactId)
        }
        if options.hangEvery > 0, ordinal % options.hangEvery == 0 { return }
        let headers = [("Content-Type", ContentTypes.of(answer.format)), ("Vary", "Accept"), ("X-Powered-By", "ServiceStack stub")]
        guard options.latencyMilliseconds > 0 else {
            write(context, head, answer.status, answer.reason, headers, answer.body)
            return
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(options.latencyMilliseconds))) {
            self.write(context, head, answer.status, answer.reason, headers, answer.body)
        }
    }

    /// Any other path: describes the request it received, and sets two cookies.
    private func echo(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ body: [UInt8]) {
        let document = Self.describe(head, body)
        write(
            context, head, 200, "OK",
            [("Content-Type", ContentTypes.json), ("Set-Cookie", "stub-a=1; Path=/"), ("Set-Cookie", "stub-b=2; Path=/; HttpOnly"), ("X-Stub-Echo", "1")],
            document)
    }

    /// A request as JSON: `{"method", "target", "headers": [[name, value]…], "body"}`.
    static func describe(_ head: HTTPRequestHead, _ body: [UInt8]) -> String {
        let headers = head.headers.map { "[\(JSONText.quote($0.name)),\(JSONText.quote($0.value))]" }.joined(separator: ",")
        return "{\"method\":\(JSONText.quote(head.method.rawValue)),\"target\":\(JSONText.quote(head.uri)),"
            + "\"headers\":[\(headers)],\"body\":\(JSONText.quote(String(decoding: body, as: UTF8.self)))}"
    }

    private func write(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ status: Int, _ reason: String?, _ headers: [(String, String)], _ body: String) {
        var fields = HTTPHeaders(headers)
        let buffer = context.channel.allocator.buffer(string: body)
        fields.add(name: "Content-Length", value: String(buffer.readableBytes))
        let keepAlive = request.isKeepAlive
        if !keepAlive { fields.add(name: "Connection", value: "close") }
        let responseStatus = reason.map { HTTPResponseStatus(statusCode: status, reasonPhrase: $0) } ?? HTTPResponseStatus(statusCode: status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: responseStatus, headers: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
