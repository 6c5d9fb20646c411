import Testing
@testable import Gateway

@Suite("Redis store URL")
struct RedisURLTests {
    @Test("valid URLs", arguments: [
        ("redis://localhost", RedisURL(host: "localhost")),
        ("REDIS://Cache.Example.COM:6380/2", RedisURL(host: "cache.example.com", port: 6380, database: 2)),
        ("rediss://cache.example.com", RedisURL(host: "cache.example.com", tls: true)),
        ("redis://127.0.0.1:1/", RedisURL(host: "127.0.0.1", port: 1)),
        ("redis://h:65535/999999", RedisURL(host: "h", port: 65535, database: 999_999)),
        ("redis://[::1]", RedisURL(host: "::1")),
        ("rediss://[2001:db8::7]:7000/3", RedisURL(host: "2001:db8::7", port: 7000, database: 3, tls: true)),
        ("redis://:secret@h", RedisURL(host: "h", password: "secret")),
        ("redis://user@h", RedisURL(host: "h", username: "user")),
        ("redis://user:secret@h:6390/15", RedisURL(host: "h", port: 6390, database: 15, username: "user", password: "secret")),
        ("redis://@h", RedisURL(host: "h")),
        ("redis://us%40er:p%3Aa%2Fs%23s%3F%25@h", RedisURL(host: "h", username: "us@er", password: "p:a/s#s?%")),
        ("redis://:caf%C3%A9%20x@h", RedisURL(host: "h", password: "café x")),
        ("redis://:pa:ss@h", RedisURL(host: "h", password: "pa:ss")),
        ("redis://:p@ss@h", RedisURL(host: "h", password: "p@ss")),
    ])
    func valid(text: String, expected: RedisURL) throws {
        #expect(try RedisURL(parsing: text) == expected)
    }

    @Test("invalid URLs", arguments: [
        "", "localhost:6379", "http://h", "redis:/h", "redis:h", "unix://redis.sock",
        "redis://", "redis:///0", "redis://:pw@", "redis://u:pw@:6379",
        "redis://h:0", "redis://h:65536", "redis://h:", "redis://h:abc", "redis://h:-1", "redis://h:+1", "redis://h:1:2",
        "redis://h/-1", "redis://h/1000000", "redis://h/x", "redis://h/1/2", "redis://h/0/", "redis://h/+1",
        "redis://h?db=1", "redis://h/0?timeout=1", "redis://h#x",
        "redis://h /0", " redis://h", "redis://h\n", "redis://h\t", "redis://h\u{7F}", "redis://h\u{85}", "redis://h\u{A0}",
        "redis://::1", "redis://[::1", "redis://[zz::1]:1", "redis://[::1]x", "redis://[127.0.0.1]", "redis://[]",
        "redis://-h", "redis://h..x", "redis://hé",
        "redis://:%zz@h", "redis://:%4@h", "redis://:abc%@h", "redis://:%FF@h", "redis://%C3@h",
    ])
    func invalid(text: String) {
        #expect(throws: RedisURLError.self) { try RedisURL(parsing: text) }
    }

    @Test func queryAndFragmentAreSaidToBeUnsupported() {
        #expect(parseError("redis://h:6379/0?ssl=true")?.description.contains("not supported") == true)
        #expect(parseError("redis://h#frag")?.description.contains("not supported") == true)
    }

    @Test func errorsNeverShowThePassword() {
        let bad = [
            "redis://admin:Hunter2Secret@h:99999", "redis://:Hunter2Secret@h:0/1", "redis://admin:Hunter2Secret@h/abc",
            "redis://admin:Hunter2Secret@h?x", "redis://admin:Hunter2Secret@@", "http://admin:Hunter2Secret@h",
            "redis://admin:Hunter2Secret%zz@h", "redis://admin:Hunter2Secret@h\t", "Hunter2Secret://h",
            "redis://admin:Hunter2Secret@[::1", "redis://admin:Hunter2/Secret@h",
        ]
        for text in bad {
            let error = parseError(text)
            #expect(error != nil, "\(text.count)-character URL was accepted")
            #expect(error.map { !$0.description.contains("Hunter2") && !"\($0)".contains("Secret") } == true)
        }
    }

    @Test func redactedHidesThePasswordAndParsesBack() throws {
        let url = try RedisURL(parsing: "rediss://user:secret@h:6380/2")
        #expect(url.redacted == "rediss://user:***@h:6380/2")
        #expect("\(url)" == url.redacted)
        #expect(!String(reflecting: url).contains("secret"))
        #expect(try RedisURL(parsing: "redis://:secret@[::1]").redacted == "redis://:***@[::1]:6379/0")
        #expect(try RedisURL(parsing: "redis://h").redacted == "redis://h:6379/0")
        for text in ["redis://h", "rediss://us%40er%20x@[::1]:7/9", "redis://user@cache.example.com"] {
            let parsed = try RedisURL(parsing: text)
            #expect(try RedisURL(parsing: parsed.redacted) == parsed)
        }
    }
}

private func parseError(_ text: String) -> RedisURLError? {
    do {
        _ = try RedisURL(parsing: text)
        return nil
    } catch {
        return error
    }
}
