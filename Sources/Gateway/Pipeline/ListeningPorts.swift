import NIOConcurrencyHelpers

/// The ports the listeners actually bound (port 0 in the config picks a free one), for tests and the demo.
public final class ListeningPorts: Sendable {
    public struct Ports: Sendable, Equatable {
        public var gateway: Int
        public var admin: Int
    }

    private struct State {
        var gateway: Int?
        var admin: Int?
        var waiters: [CheckedContinuation<Ports, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    func setGateway(_ port: Int) { update { $0.gateway = port } }

    func setAdmin(_ port: Int) { update { $0.admin = port } }

    /// Returns once both listeners are bound.
    public func wait() async -> Ports {
        await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state -> Ports? in
                if let gateway = state.gateway, let admin = state.admin { return Ports(gateway: gateway, admin: admin) }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func update(_ change: (inout State) -> Void) {
        let (ports, waiters) = state.withLockedValue { state -> (Ports?, [CheckedContinuation<Ports, Never>]) in
            change(&state)
            guard let gateway = state.gateway, let admin = state.admin else { return (nil, []) }
            let waiters = state.waiters
            state.waiters = []
            return (Ports(gateway: gateway, admin: admin), waiters)
        }
        if let ports { for waiter in waiters { waiter.resume(returning: ports) } }
    }
}
