import Foundation
import Gateway
import Testing

@Suite("Admin endpoints of a live gateway")
struct AdminEndpointTests {
    /// Samples of a Prometheus text exposition; fails the test on any line that is not valid.
    func samples(_ text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        let sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.eE+-]+|NaN|\+Inf)$/
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let match = String(line).wholeMatch(of: sample) else {
                Issue.record("not Prometheus text: \(line)")
                continue
            }
            values[String(match.1)] = Double(match.2)
        }
        return values
    }

    @Test func healthReadinessAndMetrics() async throws {
        try await withGateway { gateway in
            let admin = "http://127.0.0.1:\(gateway.ports.admin)"
            #expect(await gateway.client.send("GET", admin + "/healthz").status == 200)
            var ready = await gateway.client.send("GET", admin + "/readyz")
            for _ in 0..<100 where ready.status != 200 {
                try await Task.sleep(for: .milliseconds(100))
                ready = await gateway.client.send("GET", admin + "/readyz")
            }
            #expect(ready.status == 200)

            let before = samples(await gateway.client.send("GET", admin + "/metrics").body)
            for name in [
                "gateway_inflight_forwards", "gateway_store_errors_total", "gateway_outcome_unknown_total", "gateway_replays_total",
                "gateway_coalesced_total", "gateway_access_log_dropped_total", "gateway_build_info{version=\"\(GatewayVersion.current)\"}",
                "gateway_config_reloads_total{result=\"ok\"}", "gateway_request_duration_seconds_count", "gateway_upstream_duration_seconds_count",
                "gateway_store_duration_seconds_count",
            ] {
                #expect(before[name] != nil, "\(name) missing")
            }
            _ = await gateway.client.send("POST", gateway.base + Fixtures.resendPath())
            _ = await gateway.client.send("POST", gateway.base + Fixtures.resendPath())
            let metrics = await gateway.client.send("GET", admin + "/metrics")
            #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let after = samples(metrics.body)
            #expect(after["gateway_requests_total{decision=\"forwarded\",status=\"200\"}"] == 1)
            #expect(after["gateway_requests_total{decision=\"replayed\",status=\"200\"}"] == 1)
            #expect(after["gateway_replays_total"] == 1)
            #expect((after["gateway_request_duration_seconds_count"] ?? 0) == (before["gateway_request_duration_seconds_count"] ?? 0) + 2)
            #expect((after["gateway_store_duration_seconds_count"] ?? 0) > (before["gateway_store_duration_seconds_count"] ?? 0))
        }
    }
}
