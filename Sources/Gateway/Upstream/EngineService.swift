import ServiceLifecycle

/// Ties the libcurl engine's life to the service group: it shuts down last (services stop in reverse
/// order), after the HTTP server has let in-flight forwards finish.
struct EngineService: Service {
    let engine: CurlEngine

    func run() async throws {
        try? await gracefulShutdown()
        await engine.shutdown()
    }
}
