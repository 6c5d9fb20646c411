import ArgumentParser
import Gateway

/// `gateway check-config`: like `nginx -t`.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Validate the configuration file and print every problem as PATH:LINE: message.")

    @OptionGroup var options: ConfigOption

    func run() throws {
        let report = ConfigLoader.load(path: options.path, environment: ProcessEnvironment.all)
        for warning in report.warnings { printError("warning: \(warning)") }
        guard report.problems.isEmpty else {
            for problem in report.problems { printError(problem.description) }
            throw ExitCode(1)
        }
        print("configuration OK")
    }
}
