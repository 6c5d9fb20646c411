import NIOConcurrencyHelpers
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
    /// `gateway_requests_total` by (decision, status), looked up once each: the registry's own lookup
    /// builds the label strings and a descriptor on every request.
    private let requestCounters = NIOLockedValueBox([RequestLabels: Counter]())

    private struct RequestLabels: Hashable {
        var decision: Decision
        var status: Int
    }

    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// The whole name in `metricName`: the unit is already part of every name SPEC §6 fixes.
    private static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    public init(version: String) {
        requestDuration = registry.makeDurationHistogram(descriptor: Self.named("gateway_request_duration_seconds", "Time from request to response"), buckets: Self.buckets)
        upstreamDuration = registry.makeDurationHistogram(descriptor: Self.named("gateway_upstream_duration_seconds", "Time the upstream took"), buckets: Self.buckets)
        storeDuration = registry.makeDurationHistogram(descriptor: Self.named("gateway_store_duration_seconds", "Time a state-store transaction took"), buckets: Self.buckets)
        inflight = registry.makeGauge(descriptor: Self.named("gateway_inflight_forwards", "Forwards in progress"))
        storeErrors = registry.makeCounter(descriptor: Self.named("gateway_store_errors_total", "State-store calls that failed or timed out"))
        outcomeUnknown = registry.makeCounter(descriptor: Self.named("gateway_outcome_unknown_total", "Resends whose outcome is unknown"))
        replays = registry.makeCounter(descriptor: Self.named("gateway_replays_total", "Resends answered from the store"))
        coalesced = registry.makeCounter(descriptor: Self.named("gateway_coalesced_total", "Resends that waited for a copy in flight"))
        accessLogDropped = registry.makeCounter(descriptor: Self.named("gateway_access_log_dropped_total", "Access-log lines dropped because the queue was full"))
        connectionsOpened = registry.makeCounter(descriptor: Self.named("gateway_upstream_connections_opened_total", "Upstream connections opened (the rest were reused)"))
        registry.makeGauge(descriptor: Self.named("gateway_build_info", "The running version"), labels: [("version", version)]).set(to: 1.0)
        for result in ["ok", "invalid", "refused"] {
            _ = registry.makeCounter(descriptor: Self.named("gateway_config_reloads_total", "Configuration reloads by result"), labels: [("result", result)])
        }
    }

    /// One finished request.
    public func observe(_ response: GatewayResponse, duration: Duration) {
        let record = response.record
        requestCounter(record.decision, response.status).increment()
        requestDuration.record(duration)
        if let upstream = record.upstreamDuration { upstreamDuration.record(upstream) }
        if let opened = record.upstreamConnectionsOpened, opened > 0 { connectionsOpened.increment(by: Int64(opened)) }
        switch record.decision {
        case .replayed: replays.increment()
        case .coalesced: coalesced.increment()
        case .throttled:
            registry.makeCounter(descriptor: Self.named("gateway_throttled_total", "Resends refused by a limit"), labels: [("policy", record.policy ?? "unknown")]).increment()
        default: break
        }
        if record.outcome == .unknown { outcomeUnknown.increment() }
    }

    private func requestCounter(_ decision: Decision, _ status: Int) -> Counter {
        let labels = RequestLabels(decision: decision, status: status)
        if let counter = requestCounters.withLockedValue({ $0[labels] }) { return counter }
        let counter = registry.makeCounter(
            descriptor: Self.named("gateway_requests_total", "Requests by decision and status"), labels: [("decision", decision.rawValue), ("status", String(status))])
        requestCounters.withLockedValue { $0[labels] = counter }
        return counter
    }

    public func storeCall(_ duration: Duration, failed: Bool) {
        storeDuration.record(duration)
        if failed { storeErrors.increment() }
    }

    public func reload(_ result: String) {
        registry.makeCounter(descriptor: Self.named("gateway_config_reloads_total", "Configuration reloads by result"), labels: [("result", result)]).increment()
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
    private let value = NIOLockedValueBox(0)

    func advance(to total: Int) -> Int {
        value.withLockedValue { reported in
            defer { reported = max(reported, total) }
            return total - reported
        }
    }
}
