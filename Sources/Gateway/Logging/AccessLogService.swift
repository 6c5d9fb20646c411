import ServiceLifecycle
import UnixSignals

/// Flushes and closes the access log when the gateway stops (after the HTTP listeners: services stop
/// in reverse order), and reopens its file on SIGUSR1.
struct AccessLogService: Service {
    let log: AccessLog

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigusr1)
        await cancelWhenGracefulShutdown {
            for await _ in signals { log.reopen() }
        }
        await log.close()
    }
}
