/// One request's journey through the plugin chain. A value: each plugin passes on an updated copy,
/// and every response carries the copy that made it, so outer plugins (the access log) see what inner
/// ones decided.
public struct Exchange: Sendable {
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
