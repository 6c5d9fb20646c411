/// Times every store call and counts failures for the metrics, whatever the backend.
struct MeteredStore: StateStore {
    let inner: any StateStore
    let metrics: GatewayMetrics

    func transact<T: Sendable>(_ body: @escaping @Sendable (inout any KVTransaction, Double) throws -> T) async throws -> T {
        let started = ContinuousClock.now
        do {
            let result = try await inner.transact(body)
            metrics.storeCall(ContinuousClock.now - started, failed: false)
            return result
        } catch {
            metrics.storeCall(ContinuousClock.now - started, failed: true)
            throw error
        }
    }

    func probe() async throws {
        do {
            try await inner.probe()
        } catch {
            metrics.storeCall(.zero, failed: true)
            throw error
        }
    }

    func close() async { await inner.close() }
}
