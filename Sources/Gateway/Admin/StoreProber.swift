import Logging
import ServiceLifecycle

/// Probes the store every second for `/readyz`; a failing store turns the gateway not-ready within 3 s.
struct StoreProber: Service {
    let store: any ResendStore
    let readiness: Readiness
    let logger: Logger

    func run() async throws {
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await store.probe()
                readiness.probeSucceeded()
                if failing { logger.info("state store answers again") }
                failing = false
            } catch {
                if !failing { logger.error("state store probe failed: \(error)") }
                failing = true
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
    }
}
