import ServiceLifecycle

/// Opens the backend `store.backend` names.
enum StoreFactory {
    static func open(_ config: StoreConfig) throws -> any StateStore {
        switch config.backend {
        case .memory:
            return MemoryStore()
        case .sqlite:
            return try SQLiteStore(path: config.path, timeout: config.timeout)
        case .redis:
            throw StoreError("store.backend = \"redis\" is not available in this version; use \"sqlite\" (one instance) until it is")
        }
    }
}

/// Purges the memory store, and closes any store after everything that uses it has stopped (services
/// stop in reverse order). The sqlite store purges on its own thread.
struct StoreService: Service {
    let store: any StateStore

    func run() async throws {
        if let memory = store as? MemoryStore {
            while !Task.isShuttingDownGracefully {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
                memory.purge()
            }
        } else {
            try? await gracefulShutdown()
        }
        await store.close()
    }
}
