/// Speaks to the upstream in `upstream.format` and answers the client in its own (SPEC §4.8): builds the
/// canonical request on the way in, translates a JSON/XML upstream answer on the way back, and scrubs
/// debug fields from upstream errors. Answers that are neither JSON nor XML, or do not parse as the
/// response DTO, are relayed unchanged.
public struct TranslatePlugin: GatewayPlugin {
    public struct Settings: Sendable {
        public var upstreamFormat = UpstreamFormat.same
        public var style = WireStyle()
        public var scrubDebug = true
        public init() {}
    }

    let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func handle(_ exchange: Exchange, next: PluginNext) async throws -> GatewayResponse {
        guard exchange.route == .resend, let resend = exchange.resend else { return try await next(exchange) }
        let upstreamFormat: WireFormat
        switch settings.upstreamFormat {
        case .same: upstreamFormat = exchange.format
        case .json: upstreamFormat = .json
        case .xml: upstreamFormat = .xml
        }
        exchange.canonical = CanonicalRequest(method: exchange.request.method, resend: resend, format: upstreamFormat, style: settings.style)
        var response = try await next(exchange)
        guard response.record.upstreamStatus != nil, let answered = Self.format(ofContentType: response.header("Content-Type")) else { return response }
        let body = Array(response.body.readableBytesView)
        if let translated = DTOTranslation.translateResponse(body: body, from: answered, to: exchange.format, style: settings.style, scrubDebug: settings.scrubDebug) {
            response.body = .init(bytes: translated)
            response.headers.removeAll { $0.name.equalsIgnoringASCIICase("content-type") }
            response.headers.append(HeaderLine("Content-Type", ContentTypes.of(exchange.format)))
        }
        return response
    }

    static func format(ofContentType value: String?) -> WireFormat? {
        guard let value else { return nil }
        switch FormatNegotiation.mediaType(Substring(value)) {
        case "application/json", "text/json": return .json
        case "application/xml", "text/xml": return .xml
        default: return nil
        }
    }
}

extension TranslatePlugin.Settings {
    public init(_ config: GatewayConfig) {
        self.init()
        upstreamFormat = config.upstream.format
        style = WireStyle(jsonCase: config.upstream.jsonCase, xmlNamespace: config.upstream.xmlNamespace)
        scrubDebug = config.upstream.scrubDebug
    }
}
