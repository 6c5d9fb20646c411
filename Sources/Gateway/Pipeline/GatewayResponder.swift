import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The Hummingbird side of the gateway: turns a request into an `Exchange`, reads the body within
/// `server.max_body`, runs the plugin chain under `server.request_timeout`, and writes the answer.
public struct GatewayResponder: HTTPResponder {
    public typealias Context = GatewayRequestContext

    let runtime: RuntimeHolder
    let observer: ExchangeObserver

    public init(runtime: RuntimeHolder, observer: @escaping ExchangeObserver = { _, _, _ in }) {
        self.runtime = runtime
        self.observer = observer
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let started = Date()
        let clock = ContinuousClock.now
        let runtime = runtime.current
        let client = GatewayRequest(
            method: request.method.rawValue, target: request.head.path ?? "/", headers: request.headers, body: ByteBuffer(),
            remoteAddress: context.remoteAddress)
        var exchange = Exchange(request: client, requestId: RequestID.accept(request.headers[.xRequestID]), format: runtime.defaultFormat, style: runtime.style)
        let deadline = ContinuousClock.now + runtime.requestTimeout
        let response: GatewayResponse
        if let refusal = Self.refuseEarly(request, exchange, runtime) {
            response = refusal
        } else {
            // The body is read here, in the handler's own task, and never after it returns: Hummingbird
            // reads the rest of the request from the same stream once the handler is done.
            switch await Self.readBody(request, maxBody: runtime.maxBody, deadline: deadline) {
            case .body(let body):
                exchange.request.body = body
                let ready = exchange
                // Past this point nothing touches the connection, so a forward already sent can outlive
                // `request_timeout` and still record its outcome.
                response = await RequestDeadline.run(timeout: deadline - ContinuousClock.now) {
                    await runtime.pipeline.run(ready)
                } onTimeout: {
                    Self.timedOut(ready, runtime)
                }
            case .tooLarge:
                var refusal = exchange.reply(.requestTooLarge(limit: runtime.maxBody))
                refusal.closeConnection = true
                response = refusal
            case .timedOut:
                response = Self.timedOut(exchange, runtime)
            case .unreadable:
                var refusal = exchange.reply(.badRequest("RequestBodyUnreadable", "The request body could not be read"))
                refusal.closeConnection = true
                response = refusal
            }
        }
        observer(response, started, ContinuousClock.now - clock)
        return Self.hummingbirdResponse(response)
    }

    /// Header fields per request, as Envoy's default: far above what a client sends, and a bound on the
    /// work a request of many tiny fields (still under `max_header_bytes`) makes every plugin do.
    static let maxHeaderFields = 100

    /// Refusals that need no body: oversized headers, too many of them, an oversized declared body.
    static func refuseEarly(_ request: Request, _ exchange: Exchange, _ runtime: GatewayRuntime) -> GatewayResponse? {
        if headerBytes(request) > runtime.maxHeaderBytes {
            var response = exchange.reply(.headersTooLarge(limit: runtime.maxHeaderBytes))
            response.closeConnection = true
            return response
        }
        if request.headers.count > maxHeaderFields {
            var response = exchange.reply(.tooManyHeaderFields(limit: maxHeaderFields))
            response.closeConnection = true
            return response
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > runtime.maxBody {
            var response = exchange.reply(.requestTooLarge(limit: runtime.maxBody))
            response.closeConnection = true
            return response
        }
        return nil
    }

    enum BodyRead: Sendable {
        case body(ByteBuffer)
        case tooLarge
        case timedOut
        case unreadable
    }

    /// Reads the body within `max_body` and the request deadline; a read that outlives the deadline is
    /// cancelled (a slow upload gets 504 and its connection is closed).
    static func readBody(_ request: Request, maxBody: Int, deadline: ContinuousClock.Instant) async -> BodyRead {
        if request.headers[.contentLength] == nil && request.headers[.transferEncoding] == nil { return .body(ByteBuffer()) }
        return await withTaskGroup(of: BodyRead.self) { group in
            group.addTask {
                do {
                    var request = request
                    return .body(try await request.collectBody(upTo: maxBody))
                } catch is NIOTooManyBytesError {
                    return .tooLarge
                } catch {
                    return Task.isCancelled ? .timedOut : .unreadable
                }
            }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return .timedOut
            }
            let first = await group.next() ?? .unreadable
            group.cancelAll()
            return first
        }
    }

    static func timedOut(_ exchange: Exchange, _ runtime: GatewayRuntime) -> GatewayResponse {
        var late = exchange
        late.format = FormatNegotiation.negotiate(exchange.request, route: nil, defaultFormat: runtime.defaultFormat)
        var response = late.reply(.requestTimeout())
        response.closeConnection = true
        return response
    }

    /// The size of the request line and header block as sent (`Name: value` CRLF per field).
    static func headerBytes(_ request: Request) -> Int {
        var total = request.method.rawValue.utf8.count + (request.head.path?.utf8.count ?? 1) + 12
        for field in request.headers {
            total += field.name.rawName.utf8.count + field.value.utf8.count + 4
        }
        return total
    }

    static func hummingbirdResponse(_ response: GatewayResponse) -> Response {
        var fields = HTTPFields()
        for header in response.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            fields.append(HTTPField(name: name, value: header.value))
        }
        if fields[.xRequestID] == nil { fields[.xRequestID] = response.exchange.requestId }
        if response.closeConnection { fields[.connection] = "close" }
        return Response(status: HTTPResponse.Status(code: response.status), headers: fields, body: .init(byteBuffer: response.body))
    }
}

/// Sees every response after it is made, with when its request arrived and how long it took.
public typealias ExchangeObserver = @Sendable (GatewayResponse, Date, Duration) -> Void

extension HTTPField.Name {
    static let xRequestID = HTTPField.Name("X-Request-Id")!
}

/// `X-Request-Id`: the client's when it is a plain token (SPEC §4.3), otherwise a fresh random one.
enum RequestID {
    static func accept(_ given: String?) -> String {
        if let given, (1...64).contains(given.utf8.count), given.utf8.allSatisfy(isAllowed) { return given }
        return generate()
    }

    static func generate() -> String {
        let high = String(UInt64.random(in: .min ... .max), radix: 16)
        let low = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - high.count) + high + String(repeating: "0", count: 16 - low.count) + low
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
