import TOMLKit

// One function per `[section]` of `gateway.conf`: its keys, their defaults and per-value rules.
// Rules that relate several keys live in ConfigChecks.

enum ConfigSections {
    static let counts = 1...1_000_000

    static func server(_ s: ConfigTableReader, _ d: ServerConfig) -> ServerConfig {
        defer { s.reportUnknownKeys() }
        let publicHost = s.string("public_host", d.publicHost)
        if !publicHost.isEmpty && !isHostHeaderValue(publicHost) {
            s.problem("public_host", "expected a host name like \"api.example.com\" (optionally with :PORT), got \"\(publicHost)\"")
        }
        return ServerConfig(
            listen: s.hostPort("listen", d.listen),
            maxBody: s.size("max_body", d.maxBody, in: 1...(1 << 30)),
            maxHeaderBytes: s.size("max_header_bytes", d.maxHeaderBytes, in: (1 << 10)...(16 << 20)),
            maxConnections: s.int("max_connections", d.maxConnections, in: counts),
            idleTimeout: s.duration("idle_timeout", d.idleTimeout),
            requestTimeout: s.duration("request_timeout", d.requestTimeout),
            drainDelay: s.duration("drain_delay", d.drainDelay, allowZero: true),
            shutdownGrace: s.duration("shutdown_grace", d.shutdownGrace),
            trustedProxies: s.array("trusted_proxies", d.trustedProxies,
                                    expected: "an array of CIDRs like \"10.0.0.0/8\" or \"::1\"") { $0.string.flatMap(CIDR.init) },
            publicHost: publicHost,
            defaultFormat: s.choice("default_format", d.defaultFormat)
        )
    }

    private static func isHostHeaderValue(_ text: String) -> Bool {
        if HostPort(text) != nil { return true }
        if text.hasPrefix("["), text.hasSuffix("]") { return IPLiteral.bytes(of: String(text.dropFirst().dropLast()))?.count == 16 }
        return HostPort.isHostName(Substring(text))
    }

    static func admin(_ s: ConfigTableReader, _ d: AdminConfig) -> AdminConfig {
        defer { s.reportUnknownKeys() }
        return AdminConfig(listen: s.hostPort("listen", d.listen))
    }

    static func upstream(_ s: ConfigTableReader, _ d: UpstreamConfig) -> UpstreamConfig {
        defer { s.reportUnknownKeys() }
        var url = d.url
        s.markRead("url")
        if let value = s.table["url"] {
            if let text = value.string {
                do { url = try UpstreamURL(parsing: text) } catch {
                    s.problem("url", "expected an http:// or https:// URL like \"https://pfapi.pstpf.com.au\": \(error.reason), got \"\(ConfigRedaction.userinfo(in: text))\"")
                }
            } else {
                s.problem("url", "expected a URL string, got \(ConfigTableReader.describe(value, echo: false))")
            }
        }
        let statuses = s.array("release_statuses", d.releaseStatuses, expected: "an array of HTTP statuses from 500 to 599") {
            $0.int.flatMap { (500...599).contains($0) ? $0 : nil }
        }
        let xmlNamespace = s.string("xml_namespace", d.xmlNamespace)
        if xmlNamespace.isEmpty { s.problem("xml_namespace", "must not be empty") }
        return UpstreamConfig(
            url: url,
            format: s.choice("format", d.format),
            jsonCase: s.choice("json_case", d.jsonCase),
            xmlNamespace: xmlNamespace,
            connectTimeout: s.duration("connect_timeout", d.connectTimeout),
            timeout: s.duration("timeout", d.timeout),
            maxConnections: s.int("max_connections", d.maxConnections, in: counts),
            maxIdle: s.duration("max_idle", d.maxIdle),
            maxInflight: s.int("max_inflight", d.maxInflight, in: counts),
            maxResponse: s.size("max_response", d.maxResponse, in: 1...(1 << 30)),
            releaseStatuses: unique(statuses),
            scrubDebug: s.bool("scrub_debug", d.scrubDebug),
            tlsVerify: s.bool("tls_verify", d.tlsVerify),
            caFile: s.readableFile("ca_file"),
            clientCertFile: s.readableFile("client_cert_file"),
            clientKeyFile: s.readableFile("client_key_file")
        )
    }

    static let resendMethodChoices: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    static func routes(_ s: ConfigTableReader, _ d: RoutesConfig) -> RoutesConfig {
        defer { s.reportUnknownKeys() }
        let methods = unique(s.strings("resend_methods", d.resendMethods).map { $0.uppercased() })
        if s.isSet("resend_methods") {
            if methods.isEmpty {
                s.problem("resend_methods", "must list at least one method of GET, POST, PUT, PATCH, DELETE")
            }
            for method in methods where !resendMethodChoices.contains(method) {
                switch method {
                case "HEAD":
                    s.problem("resend_methods", "HEAD cannot be a resend method: HEAD on the resend route always gets 405")
                case "OPTIONS":
                    s.problem("resend_methods", "OPTIONS cannot be a resend method: it is passed through (CORS preflight)")
                default:
                    s.problem("resend_methods", "\"\(method)\" is not a resend method; expected some of GET, POST, PUT, PATCH, DELETE")
                }
            }
        }
        return RoutesConfig(passthrough: s.bool("passthrough", d.passthrough), resendMethods: methods)
    }

    static func idempotency(_ s: ConfigTableReader, _ d: IdempotencyConfig) -> IdempotencyConfig {
        defer { s.reportUnknownKeys() }
        let header = s.read("header", d.header, expected: "an HTTP header name like \"Idempotency-Key\"") { value in
            value.string.flatMap { isToken($0) ? $0 : nil }
        }
        return IdempotencyConfig(
            header: header,
            required: s.bool("required", d.required),
            keyTTL: s.duration("key_ttl", d.keyTTL),
            dedupeWindow: s.duration("dedupe_window", d.dedupeWindow),
            coalesceWait: s.duration("coalesce_wait", d.coalesceWait),
            maxWaiters: s.int("max_waiters", d.maxWaiters, in: 0...1_000_000),
            unknownOutcome: s.choice("unknown_outcome", d.unknownOutcome)
        )
    }

    /// An RFC 9110 token (the syntax of a header name).
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
    }

    static func throttle(_ s: ConfigTableReader, _ d: ThrottleConfig) -> ThrottleConfig {
        defer { s.reportUnknownKeys() }
        return ThrottleConfig(
            perContact: s.rate("per_contact", d.perContact),
            perPrincipal: s.rate("per_principal", d.perPrincipal),
            perClientIP: s.rate("per_client_ip", d.perClientIP)
        )
    }

    static func accessLog(_ s: ConfigTableReader, _ d: AccessLogConfig) -> AccessLogConfig {
        defer { s.reportUnknownKeys() }
        let path = s.string("path", d.path)
        if path.isEmpty { s.problem("path", "must not be empty (\"-\" means stdout)") }
        return AccessLogConfig(
            path: path,
            format: s.choice("format", d.format),
            redactQuery: unique(s.strings("redact_query", d.redactQuery).map { $0.lowercased() })
        )
    }

    /// `items` without repeats, first occurrence kept.
    static func unique<T: Hashable>(_ items: [T]) -> [T] {
        var seen: Set<T> = []
        return items.filter { seen.insert($0).inserted }
    }
}
