import Foundation
import Testing

@Suite("The gateway command line")
struct CommandLineTests {
    static let valid = """
        [server]
        listen = "127.0.0.1:18080"

        [upstream]
        url = "http://127.0.0.1:18081"

        [auth]
        mode = "none"
        """

    @Test func checkConfigAcceptsAValidFileWithItsWarnings() async throws {
        let result = try await GatewayProcess.run(["check-config", "--config", try temporaryFile(Self.valid)])
        #expect(result.status == 0)
        #expect(result.stdout == "configuration OK\n")
        #expect(result.stderr.contains("warning:"))
        #expect(result.stderr.contains("auth.mode"))
    }

    @Test func checkConfigReportsEveryProblemWithItsLine() async throws {
        let text = """
            [server]
            listen = "127.0.0.1:18080"
            request_timout = "30s"

            [upstream]
            timeout = "10 seconds"

            [throttle]
            per_contact = "3 per hour"
            """
        let path = try temporaryFile(text)
        let result = try await GatewayProcess.run(["check-config", "--config", path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("\(path):3: ") && $0.contains("request_timout") })
        #expect(lines.contains { $0.hasPrefix("\(path):6: ") && $0.contains("upstream.timeout") })
        #expect(lines.contains { $0.hasPrefix("\(path):9: ") && $0.contains("throttle.per_contact") })
    }

    @Test func configPathFallsBackToTheEnvironment() async throws {
        let result = try await GatewayProcess.run(["check-config"], environment: ["GATEWAY_CONFIG": try temporaryFile(Self.valid)])
        #expect(result.status == 0)
        #expect(result.stdout == "configuration OK\n")
    }

    @Test func serveRefusesAnInvalidFileAndServesNothing() async throws {
        let path = try temporaryFile("[server]\nlisten = \"nowhere\"\n")
        let result = try await GatewayProcess.run(["serve", "--config", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(path):2: "))
    }

    @Test func sigusr1ReopensTheAccessLogAfterARename() async throws {
        let (gatewayPort, adminPort) = (try closedPort(), try closedPort())
        let log = try temporaryFile("", name: "access.log")
        let config = try GatewayProcess.config(
            gateway: gatewayPort, admin: adminPort, upstream: "http://127.0.0.1:1", extra: """
            [store]
            backend = "memory"
            [access_log]
            path = "\(log)"
            format = "combined"
            """)
        let gateway = try await GatewayProcess.serve(config: config, admin: adminPort)
        defer { if gateway.isRunning { gateway.terminate() } }
        let client = TestHTTPClient()
        _ = await client.send("GET", "http://127.0.0.1:\(gatewayPort)/soap11")
        // The line is written, then the file renamed; the reopen creates the file again. Polled, not
        // slept: on a busy machine either can take longer than a guess.
        func wait(_ condition: () -> Bool) async throws {
            for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(50)) }
        }
        try await wait { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("soap11") }
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        kill(gateway.processIdentifier, SIGUSR1)
        try await wait { FileManager.default.fileExists(atPath: log) }
        _ = await client.send("GET", "http://127.0.0.1:\(gatewayPort)/soap12")
        gateway.terminate()
        #expect(await GatewayProcess.finish(gateway).status == 0)
        let rotated = try String(contentsOfFile: log + ".1", encoding: .utf8)
        let fresh = try String(contentsOfFile: log, encoding: .utf8)
        #expect(rotated.contains("\"GET /soap11 HTTP/1.1\" 404") && !rotated.contains("soap12"))
        #expect(fresh.contains("\"GET /soap12 HTTP/1.1\" 404") && fresh.contains("decision=not_found"))
    }

    @Test func hashKeyPrintsTheDigestLineFromArgumentOrStdin() async throws {
        let expected = "sha256 = \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"\n"
        #expect(try await GatewayProcess.run(["hash-key", "abc"]).stdout == expected)
        #expect(try await GatewayProcess.run(["hash-key"], input: "abc\n").stdout == expected)
        #expect(try await GatewayProcess.run(["hash-key"], input: "").status == 1)
    }

    @Test func serveForwardsAnswersHealthchecksAndStopsOnSIGTERM() async throws {
        let (gatewayPort, adminPort, stubPort) = (try closedPort(), try closedPort(), try closedPort())
        let config = try GatewayProcess.config(
            gateway: gatewayPort, admin: adminPort, upstream: "http://127.0.0.1:\(stubPort)", extra: "[store]\nbackend = \"memory\"")
        let stub = try GatewayProcess.start(["stub-upstream", "--listen", "127.0.0.1:\(stubPort)"])
        let gateway = try GatewayProcess.start(["serve", "--config", config])
        defer {
            if stub.isRunning { stub.terminate() }
            if gateway.isRunning { gateway.terminate() }
        }
        let client = TestHTTPClient()
        var answer = TestHTTPClient.Response(status: 0, headers: [], body: "", milliseconds: 0)
        for _ in 0..<100 where answer.status != 200 {
            try await Task.sleep(for: .milliseconds(100))
            answer = await client.send("GET", "http://127.0.0.1:\(gatewayPort)" + Fixtures.resendPath())
        }
        #expect(answer.status == 200)
        #expect(try await GatewayProcess.run(["healthcheck", "--config", config]).status == 0)
        gateway.terminate()
        let stopped = await GatewayProcess.finish(gateway)
        #expect(stopped.status == 0)
        #expect(stopped.stderr.contains("\"msg\":\"starting\""))
        #expect(try await GatewayProcess.run(["healthcheck", "--config", config]).status == 1)
        let sent = await client.send("GET", "http://127.0.0.1:\(stubPort)/__stub/sent")
        #expect(sent.body.contains("\"total\":1"))
        stub.terminate()
        _ = await GatewayProcess.finish(stub)
    }

    /// A listener that cannot start (the admin port is taken) stops the whole process with an error,
    /// instead of leaving the client listener running on its own.
    @Test func serveExitsWithAnErrorWhenAListenerCannotStart() async throws {
        let taken = try RefusingPort()
        defer { taken.close() }
        let config = try GatewayProcess.config(
            gateway: try closedPort(), admin: taken.port, upstream: "http://127.0.0.1:1", extra: "[store]\nbackend = \"memory\"")
        let process = try GatewayProcess.start(["serve", "--config", config])
        let watchdog = Task {
            try await Task.sleep(for: .seconds(20))
            kill(process.processIdentifier, SIGKILL)
        }
        let result = await GatewayProcess.finish(process)
        watchdog.cancel()
        #expect(result.status != 0, "serve exited 0 although its admin listener never started")
        #expect(result.status != 128 + SIGKILL, "serve did not stop on its own: \(result.stderr.suffix(500))")
    }
}
