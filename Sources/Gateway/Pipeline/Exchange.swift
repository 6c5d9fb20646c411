/// One request's journey through the plugin chain: each plugin records what it decided here, and every
/// response carries it, so outer plugins and the access log see what inner ones decided.
///
/// A class, passed by reference: as a value it was copied by every plugin and into every response (a
/// dozen reference counts each time, a measurable share of a replay's CPU). `@unchecked Sendable` by
/// ownership rather than a lock: one request owns it; its plugins set fields one after another as the
/// chain runs (one task, whose jobs run on the connection's loop), and once the chain has answered it
/// is only read. Code that needs a variant for another purpose takes a `copy()`.
public final class Exchange: @unchecked Sendable {
    public enum Route: Sendable, Equatable {
        /// Not classified yet (the route plugin has not run).
        case unclassified
        /// A `ConnectionRequestResend` call.
        case resend
        /// Any other path, forwarded unchanged.
        case passthrough
    }

    public var request: GatewayRequest
    /// Echoed to the client and sent upstream as `X-Request-Id`.
    public var requestId: String
    public var route: Route = .unclassified
    /// What the path said, for resend calls.
    public var resendRoute: ResendRoute?
    /// The format gateway-made responses are written in.
    public var format: WireFormat
    public var style: WireStyle
    /// The validated resend DTO, once bound.
    public var resend: ConnectionRequestResend?
    /// What the upstream receives for a resend, once translated.
    public var canonical: CanonicalRequest?
    /// Rate limits the admission step applies, in SPEC §4.0 order.
    public var limits: [Admission.LimitCheck] = []
    /// Who is calling, once authenticated.
    public var principal: String?

    public init(request: GatewayRequest, requestId: String, format: WireFormat, style: WireStyle) {
        self.request = request
        self.requestId = requestId
        self.format = format
        self.style = style
    }

    /// A separate exchange with the same fields.
    public func copy() -> Exchange {
        let copy = Exchange(request: request, requestId: requestId, format: format, style: style)
        copy.route = route
        copy.resendRoute = resendRoute
        copy.resend = resend
        copy.canonical = canonical
        copy.limits = limits
        copy.principal = principal
        return copy
    }

    /// A gateway-made error response in the client's format.
    public func reply(_ error: GatewayError) -> GatewayResponse {
        let envelope: ErrorEnvelope = route == .resend ? error.envelope : .errorResponse
        let status = ResponseStatus(errorCode: error.code, message: error.message, errors: error.fieldErrors)
        let body: String
        switch format {
        case .json: body = ResponseStatusJSON.render(status, style: style)
        case .xml: body = ResponseStatusXML.render(status, envelope: envelope, style: style)
        }
        var headers = error.headers
        headers.append(HeaderLine("Content-Type", ContentTypes.of(format)))
        headers.append(HeaderLine("Vary", "Accept"))
        headers.append(HeaderLine("Cache-Control", "no-store"))
        var response = GatewayResponse(status: error.status, headers: headers, body: body, exchange: self)
        response.record.decision = error.decision
        response.record.policy = error.policy
        response.closeConnection = error.closeConnection
        return response
    }
}
