import Foundation
import NIOConcurrencyHelpers

/// Whether the gateway wants new traffic (SPEC §6): the configuration is loaded, it is not draining,
/// and the store answered a probe within the last 3 seconds.
public final class Readiness: Sendable {
    private struct State {
        var draining = false
        var lastProbe: Double?
    }

    private let state = NIOLockedValueBox(State())
    static let probeFreshness = 3.0

    public init() {}

    public var isReady: Bool {
        let now = Date().timeIntervalSince1970
        return state.withLockedValue { !$0.draining && ($0.lastProbe.map { now - $0 < Self.probeFreshness } ?? false) }
    }

    public var isDraining: Bool { state.withLockedValue { $0.draining } }

    /// Returns true the first time only.
    @discardableResult
    public func startDraining() -> Bool {
        state.withLockedValue { state in
            defer { state.draining = true }
            return !state.draining
        }
    }

    func probeSucceeded() { state.withLockedValue { $0.lastProbe = Date().timeIntervalSince1970 } }

    /// Why the gateway is not ready, for the `/readyz` body.
    var reason: String {
        if isReady { return "ready" }
        return state.withLockedValue { $0.draining ? "draining" : "store not answering" }
    }
}
