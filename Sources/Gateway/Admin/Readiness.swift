import Synchronization

/// Whether the gateway wants new traffic: false from the moment it starts draining.
public final class Readiness: Sendable {
    private let draining = Atomic<Bool>(false)

    public init() {}

    public var isReady: Bool { !draining.load(ordering: .relaxed) }

    public func startDraining() { draining.store(true, ordering: .relaxed) }
}
