// What loading `gateway.conf` reports: every problem (and warning) with the file and, when known, the
// line, printed as `PATH:LINE: message` like `nginx -t`.

public struct ConfigProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

public struct ConfigReport: Sendable {
    /// Nil exactly when `problems` is non-empty.
    public var config: GatewayConfig?
    public var problems: [ConfigProblem]
    public var warnings: [ConfigProblem]

    public init(config: GatewayConfig?, problems: [ConfigProblem], warnings: [ConfigProblem]) {
        self.config = problems.isEmpty ? config : nil
        self.problems = problems
        self.warnings = warnings
    }

    public var isValid: Bool { problems.isEmpty }
}
