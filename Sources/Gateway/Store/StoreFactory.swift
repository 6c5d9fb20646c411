import Logging
import NIOPosix
import ServiceLifecycle

/// Opens the backend `store.backend` names.
enum StoreFactory {
    static func open(_ config: StoreConfig, environment: [String: String], waits: WaitRegistry, logger: Logger) throws -> any ResendStore {
        switch config.backend {
        case .memory:
            return TransactionalResendStore(MemoryStore())
        case .sqlite:
            return TransactionalResendStore(try SQLiteStore(path: config.path, timeout: config.timeout))
        case .redis:
            let url: RedisURL
            do {
                url = try RedisURL(parsing: try config.redisURL.resolve(environment: environment))
            } catch {
                throw StoreError("store.redis_url: \(error)")
            }
            // check-config refuses it too; this keeps AUTH from ever going out in plain text.
            guard !url.tls else { throw StoreError("store.redis_url: rediss:// (TLS) is not supported by this version's Redis client") }
            return RedisStore(
                url: url, prefix: config.keyPrefix, timeout: config.timeout, group: MultiThreadedEventLoopGroup.singleton, waits: waits,
                logger: logger)
        }
    }
}

/// Purges the memory store, and closes any store after everything that uses it has stopped (services
/// stop in reverse order). The sqlite store purges on its own thread; Redis expires keys itself.
struct StoreService: Service {
    let store: any ResendStore
    let memory: MemoryStore?

    func run() async throws {
        if let memory {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
                memory.purge()
            }
        } else {
            try? await gracefulShutdown()
        }
        await store.close()
    }
}
