import ArgumentParser
import Foundation
import Gateway

/// `gateway stub-upstream`: a local stand-in for the Platform API.
struct StubUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stub-upstream",
        abstract: "Run a local stand-in for the Platform API; GET /__stub/sent lists the invitations it sent.")

    @Option(help: "Address to listen on.") var listen = "127.0.0.1:8081"
    @Option(help: "Formats spoken: json, xml or both.") var format: StubOptions.Formats = .both
    @Option(help: "Milliseconds added before each resend answer.") var latency = 0
    @Option(name: .customLong("fail-every"), help: "Every Nth resend answers 503 and sends nothing (0: never).") var failEvery = 0
    @Option(name: .customLong("hang-every"), help: "Every Nth resend sends the invitation and never answers (0: never).") var hangEvery = 0

    func run() async throws {
        guard let address = HostPort(parsing: listen) else {
            throw ValidationError("--listen expects HOST:PORT, got \(listen)")
        }
        var options = StubOptions()
        options.host = address.host
        options.port = address.port
        options.formats = format
        options.latencyMilliseconds = max(0, latency)
        options.failEvery = max(0, failEvery)
        options.hangEvery = max(0, hangEvery)
        let stub = try await StubUpstream.start(options)
        let banner = "stub upstream listening on \(address.host):\(stub.port) (formats: \(format.rawValue)); invitations at GET /__stub/sent\n"
        // Unbuffered, so that a script reading a pipe sees it at once.
        FileHandle.standardOutput.write(Data(banner.utf8))
        try await stub.wait()
    }
}

extension StubOptions.Formats: ExpressibleByArgument {}
