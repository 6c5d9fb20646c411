import ArgumentParser
import Gateway

/// `gateway healthcheck`: exit 0 if the admin `/healthz` answers 200 (for Docker's HEALTHCHECK).
struct Healthcheck: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Exit 0 if the running gateway's admin /healthz answers 200.")

    @OptionGroup var options: ConfigOption

    func run() throws {
        let report = ConfigLoader.load(path: options.path, environment: ProcessEnvironment.all)
        guard let config = report.config else {
            for problem in report.problems { printError(problem.description) }
            throw ExitCode(1)
        }
        let status = HealthProbe.check(admin: config.admin.listen)
        guard status == 200 else {
            printError("healthcheck: \(status.map { "admin /healthz answered \($0)" } ?? "admin listener \(config.admin.listen) did not answer")")
            throw ExitCode(1)
        }
    }
}
