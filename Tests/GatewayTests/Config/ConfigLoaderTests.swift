import Foundation
import Testing
@testable import Gateway

@Suite("ConfigLoader: parsing, unknown keys, bad values")
struct ConfigLoaderTests {
    typealias F = ConfigFixture

    @Test func minimalFileGivesDefaults() throws {
        let report = F.parse(F.apiKey)
        #expect(report.problems.isEmpty)
        #expect(report.warnings.isEmpty)
        let config = try #require(report.config)
        #expect(config == F.defaultsWithKey)
    }

    @Test func defaultsMatchSpec() {
        let d = GatewayConfig.defaults
        #expect(d.server.listen.description == "0.0.0.0:8080")
        #expect(d.server.maxBody == 65_536)
        #expect(d.server.maxHeaderBytes == 16_384)
        #expect(d.server.idleTimeout == .seconds(75))
        #expect(d.admin.listen.description == "127.0.0.1:9901")
        #expect(d.upstream.url.string == "https://pfapi.pstpf.com.au")
        #expect(d.upstream.maxResponse == 1_048_576)
        #expect(d.upstream.releaseStatuses == [502, 503, 504])
        #expect(d.auth.mode == .apiKey && d.auth.apiKeys.isEmpty)
        #expect(d.idempotency.keyTTL == .seconds(86_400) && d.idempotency.dedupeWindow == .seconds(600))
        #expect(d.throttle.perContact == Rate(limit: 3, window: .seconds(3_600)))
        #expect(d.throttle.perClientIP == nil)
        #expect(d.store.timeout == .milliseconds(250))
        #expect(d.store.redisURL == .inline("redis://127.0.0.1:6379/0"))
        #expect(d.accessLog.redactQuery.count == 9)
    }

    @Test func shippedGatewayConfParsesCleanly() throws {
        let path = F.repositoryRoot().appendingPathComponent("gateway.conf").path
        let report = ConfigLoader.load(path: path, environment: [:])
        #expect(report.problems.map(\.description) == [])
        #expect(report.warnings.map(\.description) == [])
        let config = try #require(report.config)
        var expected = GatewayConfig.defaults
        expected.auth.apiKeys = config.auth.apiKeys
        #expect(config == expected, "the shipped file shows every default")
        #expect(config.auth.apiKeys.count == 1 && config.auth.apiKeys[0].name == "crm")
        #expect(config.auth.apiKeys[0].sha256.count == 32)
    }

    @Test func dockerImageConfigDiffersOnlyInAdminAddressAndStorePath() throws {
        let path = F.repositoryRoot().appendingPathComponent("docker/gateway.conf").path
        let report = ConfigLoader.load(path: path, environment: [:])
        #expect(report.problems.map(\.description) == [])
        let config = try #require(report.config)
        #expect(config.admin.listen.description == "0.0.0.0:9901")
        #expect(config.store.path == "/var/lib/gateway/state.db")
        var expected = GatewayConfig.defaults
        expected.auth.apiKeys = config.auth.apiKeys
        expected.admin = config.admin
        expected.store.path = config.store.path
        #expect(config == expected)
    }

    @Test func localExampleConfigIsValid() {
        let path = F.repositoryRoot().appendingPathComponent("examples/local.conf").path
        #expect(ConfigLoader.load(path: path, environment: [:]).problems.map(\.description) == [])
    }

    @Test func everyValueIsRead() throws {
        let text = """
        [server]
        listen = "[::]:9000"
        max_body = "1MiB"
        max_header_bytes = 32768
        max_connections = 5
        idle_timeout = "2m"
        request_timeout = "20s"
        drain_delay = "5s"
        shutdown_grace = "1m"
        trusted_proxies = ["10.0.0.0/8", "::1"]
        public_host = "api.example.com"
        default_format = "xml"
        [upstream]
        url = "http://127.0.0.1:8081/api/"
        format = "xml"
        json_case = "camel"
        connect_timeout = "1s"
        timeout = "5s"
        max_inflight = 3
        release_statuses = [503, 503]
        scrub_debug = false
        [routes]
        passthrough = false
        resend_methods = ["post", "GET"]
        [auth]
        mode = "forward"
        upstream_credentials = "strip"
        [idempotency]
        header = "X-Idempotency-Key"
        required = true
        unknown_outcome = "block"
        [throttle]
        per_contact = "1/1d"
        per_principal = ""
        per_client_ip = "100/m"
        [store]
        backend = "redis"
        redis_url = "redis://cache:6380/2"
        [access_log]
        path = "/var/log/gateway.log"
        format = "combined"
        redact_query = ["Token"]
        """
        let report = F.parse(text)
        #expect(report.problems.map(\.description) == [])
        let c = try #require(report.config)
        #expect(c.server.listen == HostPort(host: "::", port: 9000))
        #expect(c.server.maxBody == 1 << 20 && c.server.maxHeaderBytes == 32_768)
        #expect(c.server.drainDelay == .seconds(5) && c.server.shutdownGrace == .seconds(60))
        #expect(c.server.trustedProxies == [CIDR("10.0.0.0/8")!, CIDR("::1/128")!])
        #expect(c.server.defaultFormat == .xml && c.server.publicHost == "api.example.com")
        #expect(c.upstream.url.string == "http://127.0.0.1:8081/api" && c.upstream.url.basePath == "/api")
        #expect(c.upstream.format == .xml && c.upstream.jsonCase == .camel && !c.upstream.scrubDebug)
        #expect(c.upstream.releaseStatuses == [503])
        #expect(c.routes.resendMethods == ["POST", "GET"] && !c.routes.passthrough)
        #expect(c.auth.mode == .forward && c.auth.upstreamCredentials == .strip)
        #expect(c.idempotency.header == "X-Idempotency-Key" && c.idempotency.required)
        #expect(c.throttle.perContact == Rate(limit: 1, window: .seconds(86_400)))
        #expect(c.throttle.perPrincipal == nil)
        #expect(c.throttle.perClientIP == Rate(limit: 100, window: .seconds(60)))
        #expect(c.store.backend == .redis && c.store.redisURL == .inline("redis://cache:6380/2"))
        #expect(c.accessLog.format == .combined && c.accessLog.redactQuery == ["token"])
    }

    @Test func unknownKeyReportedWithItsLine() {
        let report = F.parse(F.apiKey + """
        [server]
        listen = "0.0.0.0:8080"

        max_bodyy = "1MiB"
        """)
        #expect(report.config == nil)
        #expect(report.problems.map(\.description) == [
            "gateway.conf:7: unknown key server.max_bodyy (did you mean max_body?)",
        ])
    }

    @Test func unknownSectionReported() {
        let report = F.parse(F.apiKey + "\n[servr]\nlisten = \"0.0.0.0:1\"\n[upstream.tls]\nx = 1\n")
        #expect(report.problems.map(\.description) == [
            "gateway.conf:5: unknown section [servr] (did you mean [server]?)",
            "gateway.conf:7: unknown section [upstream.tls]",
        ])
    }

    @Test func unknownTopLevelKey() {
        let report = F.parse("debug = true\n" + F.apiKey)
        #expect(report.problems.map(\.description) == ["gateway.conf:1: unknown key debug"])
    }

    @Test func syntaxErrorCarriesLine() {
        let report = F.parse(F.apiKey + "[server]\nlisten = \"0.0.0.0:8080\n")
        #expect(report.config == nil)
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.line == 5)
        #expect(report.problems.first?.message.hasPrefix("TOML syntax error") == true)
    }

    @Test func missingFileIsAProblem() {
        let report = ConfigLoader.load(path: "/nonexistent/gateway.conf", environment: [:])
        #expect(report.config == nil)
        #expect(report.problems.map(\.description) == ["/nonexistent/gateway.conf: cannot read the configuration: file /nonexistent/gateway.conf does not exist"])
    }

    @Test func loadReadsAFile() throws {
        let path = try F.temporaryFile(F.apiKey + "[admin]\nlisten = \"127.0.0.1:0\"\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = ConfigLoader.load(path: path, environment: [:])
        #expect(report.config?.admin.listen == HostPort(host: "127.0.0.1", port: 0))
    }

    @Test func apiKeyEntriesAreParsed() throws {
        let report = F.parse("""
        [[auth.api_keys]]
        name = "a"
        sha256 = "\(F.digestA.uppercased())"
        [[auth.api_keys]]
        name = "b"
        sha256 = "\(F.digestB)"
        """)
        let keys = try #require(report.config?.auth.apiKeys)
        #expect(keys == [
            APIKeyEntry(name: "a", sha256: Array(repeating: 0xab, count: 32)),
            APIKeyEntry(name: "b", sha256: Array(repeating: 0xcd, count: 32)),
        ])
    }

    @Test func badDigestIsNeverEchoed() {
        let rawKey = "sk_live_this_is_the_raw_key"
        let report = F.parse("""
        [[auth.api_keys]]
        name = "a"
        sha256 = "\(F.digestA)"
        [[auth.api_keys]]
        name = "b"
        sha256 = "\(rawKey)"
        """)
        #expect(report.problems.map(\.description) == [
            "gateway.conf:6: auth.api_keys[2].sha256: expected 64 hex digits (the sha256 line printed by `gateway hash-key`), got a string of 27 characters",
        ])
    }

    @Test func unknownKeyInSecondAPIKeyEntryHasItsLine() {
        let report = F.parse(F.apiKey + """
        [[auth.api_keys]]
        name = "b"
        sha265 = "\(F.digestB)"
        """)
        #expect(report.problems.map(\.description).contains("gateway.conf:6: unknown key auth.api_keys[2].sha265 (did you mean sha256?)"))
        #expect(report.problems.map(\.description).contains("gateway.conf:4: auth.api_keys[2].sha256: missing; expected 64 hex digits (the sha256 line printed by `gateway hash-key`)"))
    }

    @Test func badURLNeverShowsUserinfo() {
        let report = F.parse(F.apiKey + "[upstream]\nurl = \"https://admin:hunter2@example.com\"\n")
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.line == 5)
        #expect(!report.allDescriptions.joined().contains("hunter2"))
        #expect(report.problems.first?.message.contains("https://***@example.com") == true)
    }

    @Test func resendMethodRules() {
        let report = F.parse(F.apiKey + "[routes]\nresend_methods = [\"GET\", \"HEAD\", \"OPTIONS\", \"TRACE\"]\n")
        #expect(report.problems.map(\.message) == [
            "routes.resend_methods: HEAD cannot be a resend method: HEAD on the resend route always gets 405",
            "routes.resend_methods: OPTIONS cannot be a resend method: it is passed through (CORS preflight)",
            "routes.resend_methods: \"TRACE\" is not a resend method; expected some of GET, POST, PUT, PATCH, DELETE",
        ])
        let empty = F.parse(F.apiKey + "[routes]\nresend_methods = []\n")
        #expect(empty.problems.map(\.message) == ["routes.resend_methods: must list at least one method of GET, POST, PUT, PATCH, DELETE"])
    }

    @Test("idempotency.header must be an HTTP token", arguments: [
        ("Idempotency-Key", true), ("X-Request-Key", true), ("Bad Header", false), ("", false), ("Key:", false), ("Clé", false),
    ])
    func idempotencyHeader(header: String, valid: Bool) {
        let report = F.parse(F.apiKey + "[idempotency]\nheader = \"\(header)\"\n")
        #expect(report.problems.isEmpty == valid)
    }

    @Test func trustedProxiesMustBeCIDRs() {
        let report = F.parse(F.apiKey + "[server]\ntrusted_proxies = [\"10.0.0.0/8\", \"lb.internal\"]\n")
        #expect(report.problems.map(\.message) == [
            "server.trusted_proxies: expected an array of CIDRs like \"10.0.0.0/8\" or \"::1\", got \"lb.internal\" (item 2)",
        ])
    }

    @Test func emptyPathsBecomeNil() throws {
        let report = F.parse(F.apiKey + "[upstream]\nca_file = \"\"\nclient_cert_file = \"\"\nclient_key_file = \"\"\n")
        let upstream = try #require(report.config?.upstream)
        #expect(upstream.caFile == nil && upstream.clientCertFile == nil && upstream.clientKeyFile == nil)
    }

    @Test func unreadableFilesAreProblems() {
        let report = F.parse(F.apiKey + "[upstream]\nca_file = \"/nonexistent/ca.pem\"\n")
        #expect(report.problems.map(\.description) == ["gateway.conf:5: upstream.ca_file: file /nonexistent/ca.pem does not exist"])
    }

    @Test func problemDescriptionFormat() {
        #expect(ConfigProblem(file: "a.conf", line: 3, message: "m").description == "a.conf:3: m")
        #expect(ConfigProblem(file: "a.conf", line: nil, message: "m").description == "a.conf: m")
    }
}
