import ServiceLifecycle
import UnixSignals

/// The operator's signals (SPEC §2): SIGTERM/SIGINT drain and stop, SIGHUP reloads the configuration,
/// SIGUSR1 reopens the access log.
struct SignalService: Service {
    let server: GatewayServer

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup, .sigusr1)
        await cancelWhenGracefulShutdown {
            for await signal in signals {
                switch signal {
                case .sighup: server.reload()
                case .sigusr1: server.reopenAccessLog()
                default:
                    // Not awaited here: the drain delay must not hold up a second signal.
                    Task { await server.shutdown() }
                }
            }
        }
    }
}
