/// Times every store step and counts failures for the metrics, whatever the backend.
struct MeteredStore: ResendStore {
    let inner: any ResendStore
    let metrics: GatewayMetrics

    func admit(_ ticket: Admission.Ticket, rules: Admission) async throws -> Admission.Decision {
        try await measured { try await inner.admit(ticket, rules: rules) }
    }

    func admitForSending(_ ticket: Admission.Ticket, rules: Admission) async throws -> Admission.Decision {
        try await measured { try await inner.admitForSending(ticket, rules: rules) }
    }

    func markSent(_ ticket: Admission.Ticket, rules: Admission) async throws -> Bool {
        try await measured { try await inner.markSent(ticket, rules: rules) }
    }

    func complete(_ ticket: Admission.Ticket, _ outcome: Admission.Outcome, rules: Admission) async throws {
        try await measured { try await inner.complete(ticket, outcome, rules: rules) }
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

    private func measured<T: Sendable>(_ step: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        do {
            let result = try await step()
            metrics.storeCall(ContinuousClock.now - started, failed: false)
            return result
        } catch {
            metrics.storeCall(ContinuousClock.now - started, failed: true)
            throw error
        }
    }
}
