// The rules of SPEC §3 that relate several keys, and the warnings for settings that weaken a
// guarantee of SPEC §1. A check whose inputs were already refused is skipped (no follow-on noise).

enum ConfigChecks {
    static func run(_ c: GatewayConfig, _ context: ConfigLoadContext) {
        let checks = Checks(context: context)
        checks.timing(c)
        checks.listeners(c)
        checks.upstreamTLS(c.upstream)
        checks.auth(c.auth)
        checks.warnings(c)
    }
}

private struct Checks {
    let context: ConfigLoadContext

    /// True when none of `keys` had a refused value.
    func valid(_ keys: String...) -> Bool { keys.allSatisfy { !context.failed.contains($0) } }

    func problem(_ key: String, _ message: String) {
        context.problem("\(key): \(message)", line: context.line(of: key))
    }

    func warning(_ key: String, _ message: String) {
        context.warning("\(key): \(message)", line: context.line(of: key))
    }

    private func f(_ d: Duration) -> String { ConfigValues.format(d) }

    func timing(_ c: GatewayConfig) {
        let i = c.idempotency
        if valid("idempotency.key_ttl", "idempotency.dedupe_window"), i.keyTTL < i.dedupeWindow {
            problem("idempotency.key_ttl", "must be at least idempotency.dedupe_window (\(f(i.keyTTL)) < \(f(i.dedupeWindow)))")
        }
        let u = c.upstream
        let needed = u.connectTimeout * 2 + u.timeout
        if valid("server.shutdown_grace", "upstream.connect_timeout", "upstream.timeout"), c.server.shutdownGrace < needed {
            problem("server.shutdown_grace", "must be at least 2 × upstream.connect_timeout + upstream.timeout = \(f(needed)) so that a forward in flight can finish (got \(f(c.server.shutdownGrace)))")
        }
    }

    func listeners(_ c: GatewayConfig) {
        let a = c.server.listen, b = c.admin.listen
        let wildcard: Set<String> = ["0.0.0.0", "::"]
        if valid("server.listen", "admin.listen"), a.port != 0, a.port == b.port,
           a.host == b.host || wildcard.contains(a.host) || wildcard.contains(b.host) {
            problem("admin.listen", "\(b) collides with server.listen \(a); use another port")
        }
    }

    func upstreamTLS(_ u: UpstreamConfig) {
        if (u.clientCertFile == nil) != (u.clientKeyFile == nil) {
            let missing = u.clientCertFile == nil ? "upstream.client_cert_file" : "upstream.client_key_file"
            problem(missing, "upstream.client_cert_file and upstream.client_key_file must be set together (mutual TLS)")
        }
        if valid("upstream.url"), u.url.scheme == "http", u.caFile != nil || u.clientCertFile != nil {
            warning("upstream.url", "is http://, so upstream.ca_file and the client certificate are not used")
        }
        if valid("upstream.url"), u.url.scheme == "https", !u.tlsVerify {
            warning("upstream.tls_verify", "false: the upstream's certificate is not checked, so anyone on the path can read the credentials sent upstream and answer in its place")
        }
    }

    func auth(_ a: AuthConfig) {
        apiKeyEntries(a.apiKeys)
        guard valid("auth.mode") else { return }
        switch a.mode {
        case .apiKey:
            if a.apiKeys.isEmpty, valid("auth.api_keys") {
                problem("auth.mode", "\"api_key\" needs at least one [[auth.api_keys]] entry (name and sha256 from `gateway hash-key`)")
            }
        case .jwt:
            guard let jwt = a.jwt else {
                problem("auth.mode", "\"jwt\" needs an [auth.jwt] section with an audience and one key source (hs256_secret_env, hs256_secret_file or jwks_file)")
                break
            }
            if jwt.audience == nil {
                problem("auth.jwt.audience", "is required in jwt mode")
            }
            let sources = (jwt.hs256Secret != nil ? 1 : 0) + (jwt.jwksFile != nil ? 1 : 0)
            if sources != 1, valid("auth.jwt.hs256_secret_env", "auth.jwt.hs256_secret_file") {
                problem("auth.jwt", sources == 0
                    ? "jwt mode needs one key source: hs256_secret_env, hs256_secret_file (HS256) or jwks_file (RS256/ES256)"
                    : "set only one key source: an HS256 secret or a JWKS file, not both (the algorithm is pinned by the key source)")
            }
        case .forward, .none:
            break
        }
        if a.mode != .apiKey, !a.apiKeys.isEmpty {
            warning("auth.api_keys", "are ignored: auth.mode is \"\(a.mode.rawValue)\", not \"api_key\"")
        }
        if a.mode != .jwt, a.jwt != nil {
            warning("auth.jwt", "is ignored: auth.mode is \"\(a.mode.rawValue)\", not \"jwt\"")
        }
        if a.upstreamCredentials == .replace, a.upstreamAuthorization == nil,
           valid("auth.upstream_credentials", "auth.upstream_authorization_env", "auth.upstream_authorization_file") {
            problem("auth.upstream_credentials", "\"replace\" needs the Authorization value to send: set auth.upstream_authorization_env or auth.upstream_authorization_file")
        }
        if a.upstreamCredentials != .replace, a.upstreamAuthorization != nil {
            warning("auth.upstream_authorization_env", "is ignored unless auth.upstream_credentials = \"replace\"")
        }
    }

    private func apiKeyEntries(_ entries: [APIKeyEntry]) {
        let path = ["auth", "api_keys"]
        func at(_ index: Int, _ key: String, _ message: String) {
            let line = context.locator.line(of: path + [key], in: KeyLocator.ArrayScope(path: path, index: index))
            context.problem("auth.api_keys[\(index + 1)].\(key): \(message)", line: line)
        }
        var names: [String: Int] = [:]
        var digests: [[UInt8]: Int] = [:]
        for (index, entry) in entries.enumerated() {
            if entry.name.trimmingCharacters(in: .whitespaces).isEmpty {
                at(index, "name", "must not be empty (it becomes the principal)")
            } else if let first = names[entry.name] {
                at(index, "name", "\"\(entry.name)\" is already the name of auth.api_keys[\(first + 1)]")
            } else {
                names[entry.name] = index
            }
            guard !entry.sha256.isEmpty else { continue }
            if let first = digests[entry.sha256] {
                at(index, "sha256", "the same digest as auth.api_keys[\(first + 1)]; each key must be distinct")
            } else {
                digests[entry.sha256] = index
            }
        }
    }

    func warnings(_ c: GatewayConfig) {
        if c.auth.mode == AuthMode.none {
            warning("auth.mode", "\"none\": callers are not authenticated, so unauthenticated resends reach the upstream and every caller shares one per-principal limit (weakens guarantees 2 and 3)")
        }
        if c.store.backend == .memory {
            warning("store.backend", "\"memory\": dedupe and throttle state is lost on restart and not shared between instances, so a resend may reach the upstream twice (weakens guarantees 1 and 2)")
        }
        if c.store.onError == .allow {
            warning("store.on_error", "\"allow\": when the store fails, resends are forwarded without dedupe or throttling (weakens guarantees 1 and 2)")
        }
        if c.idempotency.unknownOutcome == .release {
            warning("idempotency.unknown_outcome", "\"release\": a resend whose outcome is unknown may be retried and the invitation sent twice (weakens guarantee 1)")
        }
    }
}
