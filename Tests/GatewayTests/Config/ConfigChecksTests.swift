import Foundation
import Testing
@testable import Gateway

@Suite("Cross-key checks and warnings")
struct ConfigChecksTests {
    typealias F = ConfigFixture

    @Test func keyTTLAtLeastDedupeWindow() {
        let report = F.parse(F.apiKey + "[idempotency]\nkey_ttl = \"5m\"\ndedupe_window = \"10m\"\n")
        #expect(report.problems.map(\.description) == [
            "gateway.conf:5: idempotency.key_ttl: must be at least idempotency.dedupe_window (5m < 10m)",
        ])
        #expect(F.parse(F.apiKey + "[idempotency]\nkey_ttl = \"10m\"\ndedupe_window = \"10m\"\n").problems.isEmpty)
    }

    @Test func shutdownGraceCoversAForward() {
        let report = F.parse(F.apiKey + "[server]\nshutdown_grace = \"13s\"\n")
        #expect(report.problems.map(\.description) == [
            "gateway.conf:5: server.shutdown_grace: must be at least 2 × upstream.connect_timeout + upstream.timeout = 14s so that a forward in flight can finish (got 13s)",
        ])
        #expect(F.parse(F.apiKey + "[server]\nshutdown_grace = \"14s\"\n").problems.isEmpty)
        let slowUpstream = F.parse(F.apiKey + "[upstream]\nconnect_timeout = \"5s\"\ntimeout = \"25s\"\n")
        #expect(slowUpstream.problems.map(\.message).first?.hasPrefix("server.shutdown_grace: must be at least") == true)
    }

    @Test func checksSkipRefusedValues() {
        let report = F.parse(F.apiKey + "[idempotency]\nkey_ttl = \"soon\"\ndedupe_window = \"48h\"\n")
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.message.hasPrefix("idempotency.key_ttl: expected a duration") == true)
    }

    @Test func apiKeyModeNeedsAKey() {
        let report = F.parse("[auth]\nmode = \"api_key\"\n")
        #expect(report.problems.map(\.description) == [
            "gateway.conf:2: auth.mode: \"api_key\" needs at least one [[auth.api_keys]] entry (name and sha256 from `gateway hash-key`)",
        ])
        #expect(F.parse("").problems.count == 1, "api_key is the default mode")
    }

    @Test func apiKeyDigestNotTwice() {
        let report = F.parse(F.apiKey + """
        [[auth.api_keys]]
        name = "other"
        sha256 = "\(F.digestA.uppercased())"
        """)
        #expect(report.problems.map(\.description) == [
            "gateway.conf:6: auth.api_keys[2].sha256: the same digest as auth.api_keys[1]; each key must be distinct",
        ])
    }

    @Test func apiKeyNamesNonEmptyAndUnique() {
        let report = F.parse(F.apiKey + """
        [[auth.api_keys]]
        name = "crm"
        sha256 = "\(F.digestB)"
        [[auth.api_keys]]
        sha256 = "\(String(repeating: "01", count: 32))"
        """)
        #expect(report.problems.map(\.description) == [
            "gateway.conf:5: auth.api_keys[2].name: \"crm\" is already the name of auth.api_keys[1]",
            "gateway.conf:7: auth.api_keys[3].name: must not be empty (it becomes the principal)",
        ])
    }

    @Test func jwtModeNeedsSection() {
        let report = F.parse("[auth]\nmode = \"jwt\"\n")
        #expect(report.problems.map(\.message) == [
            "auth.mode: \"jwt\" needs an [auth.jwt] section with an audience and one key source (hs256_secret_env, hs256_secret_file or jwks_file)",
        ])
    }

    @Test func jwtModeNeedsAudienceAndOneKeySource() throws {
        let report = F.parse("[auth]\nmode = \"jwt\"\n[auth.jwt]\nissuer = \"https://id.example.com\"\n")
        #expect(report.problems.map(\.description) == [
            "gateway.conf:3: auth.jwt.audience: is required in jwt mode",
            "gateway.conf:3: auth.jwt: jwt mode needs one key source: hs256_secret_env, hs256_secret_file (HS256) or jwks_file (RS256/ES256)",
        ])

        let jwks = try F.temporaryFile("{\"keys\": []}")
        defer { try? FileManager.default.removeItem(atPath: jwks) }
        let both = F.parse("[auth]\nmode = \"jwt\"\n[auth.jwt]\naudience = \"gw\"\nhs256_secret_env = \"JWT_SECRET\"\njwks_file = \"\(jwks)\"\n",
                           environment: ["JWT_SECRET": "s3cret-value-s3cret-value-s3cret"])
        #expect(both.problems.map(\.message) == [
            "auth.jwt: set only one key source: an HS256 secret or a JWKS file, not both (the algorithm is pinned by the key source)",
        ])

        let good = F.parse("[auth]\nmode = \"jwt\"\n[auth.jwt]\naudience = \"gw\"\njwks_file = \"\(jwks)\"\nleeway = \"0s\"\n")
        #expect(good.problems.isEmpty)
        #expect(good.config?.auth.jwt == JWTConfig(hs256Secret: nil, jwksFile: jwks, issuer: nil, audience: "gw", leeway: .zero))
    }

    @Test func replaceNeedsACredential() {
        let report = F.parse(F.apiKey + "[auth]\nupstream_credentials = \"replace\"\n")
        #expect(report.problems.map(\.description) == [
            "gateway.conf:5: auth.upstream_credentials: \"replace\" needs the Authorization value to send: set auth.upstream_authorization_env or auth.upstream_authorization_file",
        ])
        let ok = F.parse(F.apiKey + "[auth]\nupstream_credentials = \"replace\"\nupstream_authorization_env = \"UPSTREAM_AUTH\"\n",
                         environment: ["UPSTREAM_AUTH": "Bearer abc"])
        #expect(ok.problems.isEmpty)
        #expect(ok.config?.auth.upstreamAuthorization == .environment("UPSTREAM_AUTH"))
    }

    @Test func clientCertificateAndKeyTogether() throws {
        let cert = try F.temporaryFile("-----BEGIN CERTIFICATE-----\n")
        defer { try? FileManager.default.removeItem(atPath: cert) }
        let report = F.parse(F.apiKey + "[upstream]\nclient_cert_file = \"\(cert)\"\n")
        #expect(report.problems.map(\.message) == [
            "upstream.client_key_file: upstream.client_cert_file and upstream.client_key_file must be set together (mutual TLS)",
        ])
        let both = F.parse(F.apiKey + "[upstream]\nclient_cert_file = \"\(cert)\"\nclient_key_file = \"\(cert)\"\n")
        #expect(both.problems.isEmpty)
    }

    @Test func adminMustNotShareTheServerPort() {
        let report = F.parse(F.apiKey + "[admin]\nlisten = \"127.0.0.1:8080\"\n")
        #expect(report.problems.map(\.description) == [
            "gateway.conf:5: admin.listen: 127.0.0.1:8080 collides with server.listen 0.0.0.0:8080; use another port",
        ])
        #expect(F.parse(F.apiKey + "[server]\nlisten = \"127.0.0.1:0\"\n[admin]\nlisten = \"127.0.0.1:0\"\n").problems.isEmpty)
    }

    @Test("warnings that weaken a guarantee", arguments: [
        ("[auth]\nmode = \"none\"\n", "auth.mode: \"none\"", "guarantees 2 and 3"),
        ("[store]\nbackend = \"memory\"\n", "store.backend: \"memory\"", "guarantees 1 and 2"),
        ("[store]\non_error = \"allow\"\n", "store.on_error: \"allow\"", "guarantees 1 and 2"),
        ("[idempotency]\nunknown_outcome = \"release\"\n", "idempotency.unknown_outcome: \"release\"", "guarantee 1"),
    ])
    func weakeningWarning(section: String, prefix: String, guarantee: String) throws {
        let report = F.parse(F.apiKey + section)
        #expect(report.problems.isEmpty)
        #expect(report.config != nil, "warnings do not make the file invalid")
        let warning = try #require(report.warnings.first { $0.message.hasPrefix(prefix) })
        #expect(warning.line == 5)
        #expect(warning.message.contains("weakens \(guarantee)"))
    }

    @Test func ignoredSettingsWarn() {
        let report = F.parse(F.apiKey + "[auth]\nmode = \"forward\"\n")
        #expect(report.warnings.map(\.description) == [
            "gateway.conf:1: auth.api_keys: are ignored: auth.mode is \"forward\", not \"api_key\"",
        ])
        let tls = F.parse(F.apiKey + "[upstream]\ntls_verify = false\n")
        #expect(tls.warnings.map(\.message).first?.hasPrefix("upstream.tls_verify: false") == true)
    }
}
