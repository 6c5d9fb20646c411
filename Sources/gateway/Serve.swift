import ArgumentParser
import Gateway
import Logging

/// `gateway serve`: runs the gateway until SIGTERM/SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let environment = ProcessEnvironment.all
        let report = ConfigLoader.load(path: options.path, environment: environment)
        guard let config = report.config else {
            for problem in report.problems { printError(problem.description) }
            throw ExitCode(1)
        }
        LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        let logger = Logger(label: "gateway")
        for warning in report.warnings { logger.warning("\(warning.message)", metadata: ["config": "\(options.path)"]) }
        do {
            let server = try GatewayServer(config: config, configPath: options.path, logger: logger, environment: environment)
            logger.info("starting", metadata: ["listen": "\(config.server.listen)", "admin": "\(config.admin.listen)", "upstream": "\(config.upstream.url.string)", "version": "\(GatewayVersion.current)"])
            try await server.run()
            logger.info("stopped")
        } catch {
            logger.critical("gateway failed: \(error)")
            throw ExitCode(1)
        }
    }
}
