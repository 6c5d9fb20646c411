/// No flood (SPEC §4.6): declares the limits that apply to a resend — per principal and per client
/// address (approximate, GCRA), per contact (strict rolling window) — for the admission step to enforce
/// atomically with the claim, and writes the `RateLimit-Policy` / `RateLimit` headers
/// (draft-ietf-httpapi-ratelimit-headers-10) on the way back. It sits before the idempotency plugin
/// so that replays, waiters and refusals never take quota: only a claim does.
public struct ThrottlePlugin: GatewayPlugin {
    public struct Settings: Sendable {
        public var perContact: Rate?
        public var perPrincipal: Rate?
        public var perClientIP: Rate?
        public var trustedProxies: [CIDR] = []

        public init() {}
    }

    let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func handle(_ exchange: Exchange, next: PluginNext) async throws -> GatewayResponse {
        guard exchange.route == .resend, let resend = exchange.resend else { return try await next(exchange) }
        var limits: [Admission.LimitCheck] = []
        if let rate = settings.perPrincipal {
            limits.append(Self.check("principal", exchange.principal ?? "anonymous", rate, .gcra))
        }
        if let rate = settings.perClientIP {
            limits.append(Self.check("client_ip", ClientAddress.resolve(exchange.request, trusted: settings.trustedProxies), rate, .gcra))
        }
        if let rate = settings.perContact {
            limits.append(Self.check("contact", resend.contactId.description, rate, .rolling))
        }
        exchange.limits = limits
        var response = try await next(exchange)
        guard !limits.isEmpty, response.record.rateLimitRemaining != nil else { return response }
        response.headers.append(HeaderLine("RateLimit-Policy", limits.map { "\"\($0.policy)\";q=\($0.limit);w=\(Int($0.window))" }.joined(separator: ", ")))
        var items: [String] = []
        if let throttled = response.record.throttled, throttled.policy != "principal" {
            items.append("\"\(throttled.policy)\";r=0;t=\(throttled.retryAfter)")
        }
        if let principal = limits.first(where: { $0.policy == "principal" }), let left = response.record.rateLimitRemaining?["principal"] {
            let interval = principal.window / Double(principal.limit)
            let reset = response.record.throttled?.policy == "principal" ? response.record.throttled?.retryAfter ?? 0 : Int((Double(principal.limit - left) * interval).rounded(.up))
            items.append("\"principal\";r=\(left);t=\(reset)")
        }
        if !items.isEmpty { response.headers.append(HeaderLine("RateLimit", items.joined(separator: ", "))) }
        return response
    }

    static func check(_ policy: String, _ subject: String, _ rate: Rate, _ kind: Admission.LimitCheck.Kind) -> Admission.LimitCheck {
        Admission.LimitCheck(policy: policy, subject: subject, limit: rate.limit, window: rate.window.seconds, kind: kind)
    }
}

extension ThrottlePlugin.Settings {
    public init(_ config: GatewayConfig) {
        self.init()
        perContact = config.throttle.perContact
        perPrincipal = config.throttle.perPrincipal
        perClientIP = config.throttle.perClientIP
        trustedProxies = config.server.trustedProxies
    }
}

/// The client's address after `server.trusted_proxies`: the peer, unless it is a trusted proxy — then
/// the rightmost untrusted hop of `X-Forwarded-For`.
enum ClientAddress {
    static func resolve(_ request: GatewayRequest, trusted: [CIDR]) -> String {
        let peer = request.remoteAddress ?? "unknown"
        guard trusted.contains(where: { $0.contains(peer) }), let chain = request.header(.xForwardedFor) else { return peer }
        let hops = chain.split(separator: ",").map { $0.trimmingCharacters(in: [" ", "\t"]) }.filter { !$0.isEmpty }
        for hop in hops.reversed() where !trusted.contains(where: { $0.contains(String(hop)) }) {
            return String(hop)
        }
        return hops.first.map(String.init) ?? peer
    }
}
