import Testing
@testable import Gateway

@Suite("ConfigLoader: bad values are reported with their line")
struct ConfigBadValueTests {
    typealias F = ConfigFixture

    @Test func badDuration() {
        let report = F.parse(F.apiKey + "[upstream]\ntimeout = \"10 seconds\"\n")
        #expect(report.problems.map(\.description) == [
            "gateway.conf:5: upstream.timeout: expected a duration above 0s like \"10s\" (ms, s, m, h, d), got \"10 seconds\"",
        ])
    }

    @Test func zeroDurationOnlyWhereAllowed() {
        #expect(F.parse(F.apiKey + "[server]\ndrain_delay = \"0s\"\n").problems.isEmpty)
        let report = F.parse(F.apiKey + "[server]\nidle_timeout = \"0s\"\n")
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.message.hasPrefix("server.idle_timeout: expected a duration above 0s") == true)
    }

    @Test func badRate() {
        let report = F.parse(F.apiKey + "[throttle]\nper_contact = \"3 per hour\"\n")
        #expect(report.problems.map(\.description) == [
            "gateway.conf:5: throttle.per_contact: expected a rate like \"3/1h\" (or \"\" to disable), got \"3 per hour\"",
        ])
    }

    @Test func badSize() {
        let report = F.parse(F.apiKey + "[server]\nmax_body = \"64 kilobytes\"\n")
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.line == 5)
        #expect(report.problems.first?.message.hasPrefix("server.max_body: expected a size like \"64KiB\"") == true)
        #expect(report.problems.first?.message.hasSuffix("got \"64 kilobytes\"") == true)
    }

    @Test func wrongTypes() {
        let report = F.parse(F.apiKey + """
        [server]
        max_connections = "many"
        listen = 8080
        [upstream]
        tls_verify = "yes"
        [routes]
        resend_methods = "GET"
        """)
        #expect(report.problems.map(\.description) == [
            "gateway.conf:5: server.max_connections: expected an integer from 1 to 1000000, got \"many\"",
            "gateway.conf:6: server.listen: expected HOST:PORT like \"0.0.0.0:8080\" or \"[::1]:8080\", got 8080",
            "gateway.conf:8: upstream.tls_verify: expected true or false, got \"yes\"",
            "gateway.conf:10: routes.resend_methods: expected an array of strings, got \"GET\"",
        ])
    }

    @Test func sectionOfWrongType() {
        let report = F.parse("server = 1\n" + F.apiKey)
        #expect(report.problems.map(\.description) == ["gateway.conf:1: server: expected a table ([server]), got 1"])
    }

    @Test func outOfRangeAndUnknownEnum() {
        let report = F.parse(F.apiKey + """
        [upstream]
        max_inflight = 0
        format = "yaml"
        release_statuses = [404]
        """)
        #expect(report.problems.map(\.message) == [
            "upstream.max_inflight: expected an integer from 1 to 1000000, got 0",
            "upstream.format: expected one of \"same\", \"json\", \"xml\", got \"yaml\"",
            "upstream.release_statuses: expected an array of HTTP statuses from 500 to 599, got 404 (item 1)",
        ])
    }

    @Test func severalProblemsAllReported() {
        let report = F.parse("""
        [server]
        listen = "nowhere"
        idle_timeout = "forever"
        colour = "blue"
        [upstream]
        url = "ftp://example.com"
        [auth]
        mode = "magic"
        [throttle]
        per_contact = "3/0s"
        [store]
        backend = "postgres"
        """)
        #expect(report.config == nil)
        #expect(report.problems.compactMap(\.line) == [2, 3, 4, 6, 8, 10, 12])
        #expect(report.problems.count == 7)
    }
}
