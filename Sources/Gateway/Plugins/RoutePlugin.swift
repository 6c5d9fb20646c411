/// Tells resend calls from pass-through calls and refuses every other spelling of the resend service
/// (SPEC §4.1; the path rules are in `ResendPath`).
import HTTPTypes

public struct RoutePlugin: GatewayPlugin {
    public struct Settings: Sendable {
        /// Other paths are forwarded unchanged; false answers them 404.
        public var passthrough = true
        /// Methods accepted on the resend route, upper-case.
        public var resendMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        public var defaultFormat = WireFormat.json

        public init() {}
    }

    let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func handle(_ exchange: Exchange, next: PluginNext) async throws -> GatewayResponse {
        let request = exchange.request
        switch ResendPath.classify(request.path) {
        case .resend(let route):
            exchange.route = .resend
            exchange.resendRoute = route
            // ServiceStack lets X-Http-Method-Override replace any verb, OPTIONS included.
            if request.header(.xHTTPMethodOverride) != nil || QueryString.firstValue(named: "X-Http-Method-Override", in: request.query) != nil {
                return refuse(exchange, .badRequest("MethodOverrideNotAllowed", "X-Http-Method-Override is not accepted on this resource"))
            }
            if request.method == "OPTIONS" {
                // A CORS preflight is answered by the upstream; it goes without query or body, so that an
                // upstream that runs the service for OPTIONS has no ContactId to act on.
                exchange.route = .passthrough
                exchange.request.target = String(request.path)
                exchange.request.body = .init()
                exchange.request.headers[.contentLength] = nil
                exchange.request.headers[.transferEncoding] = nil
                return try await next(exchange)
            }
            guard settings.resendMethods.contains(request.method) else {
                return refuse(exchange, .methodNotAllowed(request.method, allowed: settings.resendMethods))
            }
            return try await next(exchange)
        case .passthrough:
            exchange.route = .passthrough
            guard settings.passthrough else { return refuse(exchange, .notFound()) }
            return try await next(exchange)
        case .refused(let reason):
            return refuse(exchange, .badRequest("InvalidPath", reason))
        case .notFound:
            return refuse(exchange, .notFound())
        }
    }

    /// Refusals are answered before the negotiation plugin runs, so they negotiate their own format.
    private func refuse(_ exchange: Exchange, _ error: GatewayError) -> GatewayResponse {
        exchange.format = FormatNegotiation.negotiate(exchange.request, route: exchange.resendRoute, defaultFormat: settings.defaultFormat)
        return exchange.reply(error)
    }
}

extension RoutePlugin.Settings {
    public init(_ config: GatewayConfig) {
        self.init()
        passthrough = config.routes.passthrough
        resendMethods = config.routes.resendMethods
        defaultFormat = config.server.defaultFormat
    }
}
