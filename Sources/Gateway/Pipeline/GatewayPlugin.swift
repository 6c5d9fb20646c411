/// One step of the request chain (Hummingbird's middleware shape, Envoy's filter idea): answer early by
/// returning a response, or call `next` with the updated exchange and see its response on the way back.
public protocol GatewayPlugin: Sendable {
    func handle(_ exchange: Exchange, next: PluginNext) async throws -> GatewayResponse
}

public typealias PluginNext = @Sendable (Exchange) async throws -> GatewayResponse

/// The chain, folded once: the first plugin is the outermost.
public struct Pipeline: Sendable {
    private let entry: PluginNext

    public init(plugins: [any GatewayPlugin], terminal: @escaping PluginNext) {
        var next = terminal
        for plugin in plugins.reversed() {
            let inner = next
            // A refusal thrown by a plugin is rendered with the exchange as it stands then.
            next = { exchange in
                do {
                    return try await plugin.handle(exchange, next: inner)
                } catch let error as GatewayError {
                    return exchange.reply(error)
                }
            }
        }
        entry = next
    }

    /// Runs the chain; a `GatewayError` thrown anywhere becomes its error response.
    public func run(_ exchange: Exchange) async -> GatewayResponse {
        do {
            return try await entry(exchange)
        } catch let error as GatewayError {
            return exchange.reply(error)
        } catch {
            var failure = GatewayError(status: 500, code: "InternalError", message: "The gateway failed to handle the request", decision: .upstreamError)
            failure.envelope = .errorResponse
            return exchange.reply(failure)
        }
    }
}
