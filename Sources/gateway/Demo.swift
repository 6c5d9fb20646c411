import ArgumentParser
import Foundation
import Gateway
import Logging

/// `gateway demo`: the stand-in upstream and a gateway in front of it in one process, with an
/// in-memory store, and curl commands that show a forward, a replay, a throttle and a validation error.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Try the gateway: a stand-in upstream, a gateway in front of it, and curl commands to paste.")

    @Option(help: "Gateway port (0 picks a free one).") var port = 8080

    func run() async throws {
        var stubOptions = StubOptions()
        stubOptions.port = 0
        let stub = try await StubUpstream.start(stubOptions)
        let text = """
            [server]
            listen = "127.0.0.1:\(port)"
            [admin]
            listen = "127.0.0.1:0"
            [upstream]
            url = "http://127.0.0.1:\(stub.port)"
            [auth]
            mode = "none"
            [throttle]
            per_contact = "2/1h"
            [store]
            backend = "memory"
            """
        let report = ConfigLoader.parse(text: text, path: "demo", environment: [:])
        guard let config = report.config else {
            for problem in report.problems { printError(problem.description) }
            throw ExitCode(1)
        }
        LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        var logger = Logger(label: "gateway")
        logger.logLevel = .warning
        let server = try GatewayServer(config: config, logger: logger, environment: [:])
        let printer = Task {
            let ports = await server.ports.wait()
            FileHandle.standardError.write(Data(Self.instructions(gateway: ports.gateway, admin: ports.admin, stub: stub.port).utf8))
        }
        try await server.run()
        printer.cancel()
        await stub.stop()
    }

    static func instructions(gateway: Int, admin: Int, stub: Int) -> String {
        let base = "http://127.0.0.1:\(gateway)/api/connectionrequests"
        let request = "7c0e2d6e-4f4b-4a59-9f1e-0c3b8a1d2e4f"
        let contact = "0f8fad5b-d9cb-469f-a165-70867728950e"
        return """

            Resend Gateway demo: gateway on 127.0.0.1:\(gateway), stand-in Platform API on 127.0.0.1:\(stub), admin on 127.0.0.1:\(admin).
            No authentication, state in memory, at most 2 invitations per contact per hour. Access log lines appear below.

            1. Forward a resend (the stand-in "sends" an invitation):
               curl -si -X POST '\(base)/\(request)/resend?ContactId=\(contact)'
            2. Send it again, as a retrying client would: answered from the store, Idempotent-Replayed: true, nothing sent.
               curl -si -X POST '\(base)/\(request)/resend?ContactId=\(contact)' -H 'Accept: application/xml'
            3. Two more resends to the same contact: the first goes through, the second is 429 (2 per hour).
               curl -si -X POST '\(base)/11111111-2222-3333-4444-555555555555/resend?ContactId=\(contact)'
               curl -si -X POST '\(base)/66666666-7777-8888-9999-000000000000/resend?ContactId=\(contact)'
            4. A bad GUID never reaches the API: 400 in ServiceStack's shape.
               curl -si -X POST '\(base)/\(request)/resend?ContactId=abc'
            5. What the stand-in sent:
               curl -s http://127.0.0.1:\(stub)/__stub/sent
            Metrics: curl -s http://127.0.0.1:\(admin)/metrics    Stop: Ctrl-C


            """
    }
}
