import ArgumentParser
import Gateway

@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Resend Gateway: a reverse proxy that guards the Platform API's ConnectionRequestResend call.",
        version: GatewayVersion.current,
        subcommands: [Serve.self, CheckConfig.self, HashKey.self, Healthcheck.self, StubUpstreamCommand.self, Demo.self])
}

/// `--config PATH`, defaulting to `$GATEWAY_CONFIG`, then `./gateway.conf`.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $GATEWAY_CONFIG, then ./gateway.conf).")
    var config: String?

    var path: String {
        if let config { return config }
        if let fromEnvironment = ProcessEnvironment.value("GATEWAY_CONFIG"), !fromEnvironment.isEmpty { return fromEnvironment }
        return "gateway.conf"
    }
}
