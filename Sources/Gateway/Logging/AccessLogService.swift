import ServiceLifecycle

/// Flushes and closes the access log when the gateway stops — after the HTTP listeners, since services
/// stop in reverse order.
struct AccessLogService: Service {
    let log: AccessLog

    func run() async throws {
        try? await gracefulShutdown()
        await log.close()
    }
}
