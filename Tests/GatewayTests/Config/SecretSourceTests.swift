import Foundation
import Testing
@testable import Gateway

@Suite("Secrets: environment, files, inline values")
struct ConfigSecretSourceTests {
    typealias F = ConfigFixture

    @Test func environmentSecretMustBeSet() {
        let text = F.apiKey + "[auth]\nupstream_credentials = \"replace\"\nupstream_authorization_env = \"UPSTREAM_AUTH\"\n"
        let missing = F.parse(text)
        #expect(missing.problems.map(\.description) == [
            "gateway.conf:6: auth.upstream_authorization_env: environment variable UPSTREAM_AUTH is not set or empty",
        ])
        #expect(F.parse(text, environment: ["UPSTREAM_AUTH": ""]).problems.count == 1)
        #expect(F.parse(text, environment: ["UPSTREAM_AUTH": "Bearer x"]).problems.isEmpty)
    }

    @Test func resolvesEnvironmentAndFile() throws {
        #expect(try SecretSource.environment("X").resolve(environment: ["X": "value"]) == "value")
        #expect(throws: SecretSourceError.self) { try SecretSource.environment("X").resolve(environment: [:]) }
        let path = try F.temporaryFile("top-secret\r\n\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try SecretSource.file(path).resolve(environment: [:]) == "top-secret")
        #expect(throws: SecretSourceError.self) { try SecretSource.file("/nonexistent/secret").resolve(environment: [:]) }
        #expect(try SecretSource.inline("v").resolve(environment: [:]) == "v")
    }

    @Test func emptySecretFileIsAProblem() throws {
        let path = try F.temporaryFile("\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = F.parse(F.apiKey + "[store]\nbackend = \"redis\"\nredis_url_file = \"\(path)\"\n")
        #expect(report.problems.map(\.message) == ["store.redis_url_file: file \(path) is empty"])
    }

    @Test func redisURLFromEnvironmentOrFile() throws {
        let env = F.parse(F.apiKey + "[store]\nbackend = \"redis\"\nredis_url_env = \"REDIS_URL\"\n",
                          environment: ["REDIS_URL": "redis://:pw@cache:6379/0"])
        #expect(env.problems.isEmpty)
        #expect(env.config?.store.redisURL == .environment("REDIS_URL"))

        let path = try F.temporaryFile("redis://user:pw@cache:6380/1\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = F.parse(F.apiKey + "[store]\nbackend = \"redis\"\nredis_url_file = \"\(path)\"\n")
        #expect(file.problems.isEmpty)
        #expect(file.config?.store.redisURL == .file(path))

        let both = F.parse(F.apiKey + "[store]\nredis_url_env = \"REDIS_URL\"\nredis_url_file = \"\(path)\"\n",
                           environment: ["REDIS_URL": "redis://cache"])
        #expect(both.problems.map(\.message) == ["store.redis_url_env: set only one of store.redis_url_env and store.redis_url_file"])
    }

    @Test func badRedisURLFromEnvironmentIsNotEchoed() {
        let secret = "http://admin:p4ssw0rd@cache"
        let report = F.parse(F.apiKey + "[store]\nbackend = \"redis\"\nredis_url_env = \"REDIS_URL\"\n",
                             environment: ["REDIS_URL": secret])
        #expect(report.problems.map(\.message) == ["store.redis_url_env: environment variable REDIS_URL: the scheme must be redis:// or rediss://"])
        #expect(!report.allDescriptions.joined().contains("p4ssw0rd"))
    }

    @Test func tlsToRedisIsRefusedWithAReason() {
        let report = F.parse(F.apiKey + "[store]\nbackend = \"redis\"\nredis_url = \"rediss://:p4ssw0rd@cache:6380/0\"\n")
        #expect(report.problems.map(\.message) == [
            "store.redis_url: rediss:// (TLS) is not supported by this version's Redis client; reach Redis over a private network or a local TLS tunnel"
        ])
        #expect(!report.allDescriptions.joined().contains("p4ssw0rd"))
    }

    @Test("inline secrets never appear in any description", arguments: [
        "redis://admin:p4ssw0rd@cache:6379/0",
        "postgres://admin:p4ssw0rd@cache:6379/0",
        "redis//admin:p4ssw0rd@cache",
    ])
    func inlineSecretNeverPrinted(url: String) {
        let report = F.parse(F.apiKey + "[store]\nbackend = \"redis\"\nredis_url = \"\(url)\"\non_error = \"allow\"\n")
        let printed = report.allDescriptions.joined(separator: "\n") + "\(report.config as Any)"
            + String(reflecting: report.config as Any)
        #expect(!printed.contains("p4ssw0rd"))
        #expect(report.warnings.count == 1)
    }

    @Test func inlineSecretDescription() {
        let source = SecretSource.inline("redis://u:p4ssw0rd@h")
        #expect(source.description == "inline value")
        #expect(!"\(source)".contains("p4ssw0rd") && !String(reflecting: source).contains("p4ssw0rd"))
        var config = GatewayConfig.defaults
        config.store.redisURL = source
        #expect(!"\(config)".contains("p4ssw0rd"))
        #expect(SecretSource.environment("REDIS_URL").description == "environment variable REDIS_URL")
        #expect(SecretSource.file("/run/secrets/r").description == "file /run/secrets/r")
    }

    @Test func redaction() {
        #expect(ConfigRedaction.userinfo(in: "redis://u:p@h:1/0") == "redis://***@h:1/0")
        #expect(ConfigRedaction.userinfo(in: "redis://h:1/0") == "redis://h:1/0")
        #expect(ConfigRedaction.userinfo(in: "u:p@h") == "***@h")
    }
}
