import HTTPTypes

/// The refusals a request gets before any plugin runs: oversized headers, too many of them, a declared
/// body over `server.max_body`, a body over it, a request over `server.request_timeout`. Each closes
/// the connection, since the rest of the request is not read.
enum RequestLimits {
    /// Header fields per request, as Envoy's default: far above what a client sends, and a bound on the
    /// work a request of many tiny fields (still under `max_header_bytes`) makes every plugin do.
    static let maxHeaderFields = 100

    static func refuseEarly(_ exchange: Exchange, _ runtime: GatewayRuntime) -> GatewayResponse? {
        let request = exchange.request
        if headerBytes(request) > runtime.maxHeaderBytes {
            return closing(exchange.reply(.headersTooLarge(limit: runtime.maxHeaderBytes)))
        }
        if request.headers.count > maxHeaderFields {
            return closing(exchange.reply(.tooManyHeaderFields(limit: maxHeaderFields)))
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > runtime.maxBody {
            return tooLarge(exchange, runtime)
        }
        return nil
    }

    static func tooLarge(_ exchange: Exchange, _ runtime: GatewayRuntime) -> GatewayResponse {
        closing(exchange.reply(.requestTooLarge(limit: runtime.maxBody)))
    }

    static func unreadable(_ exchange: Exchange) -> GatewayResponse {
        closing(exchange.reply(.badRequest("RequestBodyUnreadable", "The request body could not be read")))
    }

    static func timedOut(_ exchange: Exchange, _ runtime: GatewayRuntime) -> GatewayResponse {
        // A copy: the chain may still be running with the original (a forward already sent).
        let late = exchange.copy()
        late.format = FormatNegotiation.negotiate(exchange.request, route: nil, defaultFormat: runtime.defaultFormat)
        return closing(late.reply(.requestTimeout()))
    }

    /// The size of the request line and header block as sent (`Name: value` CRLF per field).
    static func headerBytes(_ request: GatewayRequest) -> Int {
        var total = request.method.utf8.count + request.target.utf8.count + 12
        for field in request.headers {
            total += field.name.rawName.utf8.count + field.value.utf8.count + 4
        }
        return total
    }

    private static func closing(_ response: GatewayResponse) -> GatewayResponse {
        var response = response
        response.closeConnection = true
        return response
    }
}
