import Synchronization
import Prometheus

/// The gateway's metrics (SPEC §6), in one swift-prometheus registry per gateway (not the process-wide
/// MetricsSystem, so several gateways can run in one test process), scraped at the admin `/metrics`.
public final class GatewayMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let requestDuration: DurationHistogram
    private let upstreamDuration: DurationHistogram
    private let storeDuration: DurationHistogram
    private let inflight: Gauge
    private let storeErrors: Counter
    private let outcomeUnknown: Counter
    private let replays: Counter
    private let coalesced: Counter
    private let accessLogDropped: Counter
    private let connectionsOpened: Counter
    private let reported = ReportedCount()

    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    public init(version: String) {
        requestDuration = registry.makeDurationHistogram(name: "gateway_request_duration_seconds", buckets: Self.buckets, help: "Time from request to response")
        upstreamDuration = registry.makeDurationHistogram(name: "gateway_upstream_duration_seconds", buckets: Self.buckets, help: "Time the upstream took")
        storeDuration = registry.makeDurationHistogram(name: "gateway_store_duration_seconds", buckets: Self.buckets, help: "Time a state-store transaction took")
        inflight = registry.makeGauge(name: "gateway_inflight_forwards", help: "Forwards in progress")
        storeErrors = registry.makeCounter(name: "gateway_store_errors_total", help: "State-store calls that failed or timed out")
        outcomeUnknown = registry.makeCounter(name: "gateway_outcome_unknown_total", help: "Resends whose outcome is unknown")
        replays = registry.makeCounter(name: "gateway_replays_total", help: "Resends answered from the store")
        coalesced = registry.makeCounter(name: "gateway_coalesced_total", help: "Resends that waited for a copy in flight")
        accessLogDropped = registry.makeCounter(name: "gateway_access_log_dropped_total", help: "Access-log lines dropped because the queue was full")
        connectionsOpened = registry.makeCounter(name: "gateway_upstream_connections_opened_total", help: "Upstream connections opened (the rest were reused)")
        registry.makeGauge(name: "gateway_build_info", labels: [("version", version)], help: "The running version").set(to: 1.0)
        for result in ["ok", "invalid", "refused"] {
            _ = registry.makeCounter(name: "gateway_config_reloads_total", labels: [("result", result)], help: "Configuration reloads by result")
        }
    }

    /// One finished request.
    public func observe(_ response: GatewayResponse, duration: Duration) {
        let record = response.record
        registry.makeCounter(
            name: "gateway_requests_total", labels: [("decision", record.decision.rawValue), ("status", String(response.status))],
            help: "Requests by decision and status"
        ).increment()
        requestDuration.record(duration)
        if let upstream = record.upstreamDuration { upstreamDuration.record(upstream) }
        if let opened = record.upstreamConnectionsOpened, opened > 0 { connectionsOpened.increment(by: Int64(opened)) }
        switch record.decision {
        case .replayed: replays.increment()
        case .coalesced: coalesced.increment()
        case .throttled:
            registry.makeCounter(name: "gateway_throttled_total", labels: [("policy", record.policy ?? "unknown")], help: "Resends refused by a limit").increment()
        default: break
        }
        if record.outcome == .unknown { outcomeUnknown.increment() }
    }

    public func storeCall(_ duration: Duration, failed: Bool) {
        storeDuration.record(duration)
        if failed { storeErrors.increment() }
    }

    public func reload(_ result: String) {
        registry.makeCounter(name: "gateway_config_reloads_total", labels: [("result", result)], help: "Configuration reloads by result").increment()
    }

    /// The Prometheus text, with the gauges that are read rather than counted brought up to date.
    public func scrape(inflightForwards: Int, accessLogDropped dropped: Int) -> String {
        inflight.set(to: Double(inflightForwards))
        let delta = reported.advance(to: dropped)
        if delta > 0 { accessLogDropped.increment(by: Int64(delta)) }
        return registry.emitToString()
    }
}

/// How much of a monotonic count has been reported already.
private final class ReportedCount: Sendable {
    private let value = Mutex(0)

    func advance(to total: Int) -> Int {
        value.withLock { reported in
            defer { reported = max(reported, total) }
            return total - reported
        }
    }
}
