import Foundation
import Testing

/// Signals on a real `gateway serve` process.
@Suite("Operating a gateway process")
struct OperationsTests {
    let client = TestHTTPClient()

    /// Polls the admin `/metrics` until it has `line` (a signal is handled when it is handled; a fixed
    /// sleep is a guess a busy machine can lose).
    func waitForMetric(_ line: String, admin: Int) async throws {
        for _ in 0..<200 {
            if await client.send("GET", "http://127.0.0.1:\(admin)/metrics").body.contains(line) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no \(line) in /metrics after 10 s")
    }

    @Test func sighupChangesALimitLiveAndSurvivesBrokenOrFixedKeyEdits() async throws {
        let (gatewayPort, adminPort, stubPort) = (try closedPort(), try closedPort(), try closedPort())
        let stub = try await GatewayProcess.stub(port: stubPort)
        defer { stub.terminate() }
        func text(_ perContact: String, listen: Int) -> String {
            """
            [server]
            listen = "127.0.0.1:\(listen)"
            [admin]
            listen = "127.0.0.1:\(adminPort)"
            [upstream]
            url = "http://127.0.0.1:\(stubPort)"
            [auth]
            mode = "none"
            [throttle]
            per_contact = "\(perContact)"
            [store]
            backend = "memory"
            """
        }
        let config = try temporaryFile(text("1/1h", listen: gatewayPort))
        let gateway = try await GatewayProcess.serve(config: config, admin: adminPort)
        defer { if gateway.isRunning { gateway.terminate() } }
        let base = "http://127.0.0.1:\(gatewayPort)"
        func resend() async -> Int { await client.send("POST", base + Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.contactId)).status }
        #expect(await resend() == 200)
        #expect(await resend() == 429)

        try text("3/1h", listen: gatewayPort).write(toFile: config, atomically: true, encoding: .utf8)
        kill(gateway.processIdentifier, SIGHUP)
        try await waitForMetric("gateway_config_reloads_total{result=\"ok\"} 1", admin: adminPort)
        #expect(await resend() == 200, "the new limit applies")

        try "[server\nbroken".write(toFile: config, atomically: true, encoding: .utf8)
        kill(gateway.processIdentifier, SIGHUP)
        try text("3/1h", listen: gatewayPort + 1).replacingOccurrences(of: "3/1h", with: "10/1h").write(toFile: config + ".2", atomically: true, encoding: .utf8)
        try await waitForMetric("gateway_config_reloads_total{result=\"invalid\"} 1", admin: adminPort)
        #expect(await resend() == 200, "still serving with the previous configuration")
        #expect(await resend() == 429, "…whose limit is 3")

        try FileManager.default.removeItem(atPath: config)
        try FileManager.default.moveItem(atPath: config + ".2", toPath: config)
        kill(gateway.processIdentifier, SIGHUP)
        try await waitForMetric("gateway_config_reloads_total{result=\"refused\"} 1", admin: adminPort)
        #expect(await resend() == 429, "a listen change is refused as a whole")

        let metrics = await client.send("GET", "http://127.0.0.1:\(adminPort)/metrics").body
        #expect(metrics.contains("gateway_config_reloads_total{result=\"ok\"} 1"))
        #expect(metrics.contains("gateway_config_reloads_total{result=\"invalid\"} 1"))
        #expect(metrics.contains("gateway_config_reloads_total{result=\"refused\"} 1"))
        gateway.terminate()
        let stopped = await GatewayProcess.finish(gateway)
        #expect(stopped.stderr.contains("configuration reloaded"))
        #expect(stopped.stderr.contains("server.listen"))
    }

    @Test func sigtermDrainsThenLetsAnInFlightRequestFinishAndExitsZero() async throws {
        let (gatewayPort, adminPort, stubPort) = (try closedPort(), try closedPort(), try closedPort())
        let stub = try await GatewayProcess.stub(port: stubPort, latency: 1500)
        defer { stub.terminate() }
        let config = try temporaryFile("""
            [server]
            listen = "127.0.0.1:\(gatewayPort)"
            drain_delay = "4s"
            [admin]
            listen = "127.0.0.1:\(adminPort)"
            [upstream]
            url = "http://127.0.0.1:\(stubPort)"
            [auth]
            mode = "none"
            [store]
            backend = "memory"
            """)
        let gateway = try await GatewayProcess.serve(config: config, admin: adminPort)
        defer { if gateway.isRunning { gateway.terminate() } }
        var ready = 0
        for _ in 0..<100 where ready != 200 {
            try await Task.sleep(for: .milliseconds(100))
            ready = await client.send("GET", "http://127.0.0.1:\(adminPort)/readyz").status
        }
        #expect(ready == 200)
        async let slow = client.send("POST", "http://127.0.0.1:\(gatewayPort)" + Fixtures.resendPath())
        try await waitForMetric("gateway_inflight_forwards 1", admin: adminPort)
        gateway.terminate()
        // Readiness drops as soon as the signal is handled, while the listener keeps serving for the
        // whole drain_delay (4 s: room for a busy machine between the two checks).
        var readiness = 200
        for _ in 0..<40 where readiness != 503 {
            readiness = await client.send("GET", "http://127.0.0.1:\(adminPort)/readyz").status
            if readiness != 503 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(readiness == 503, "readiness drops at once")
        #expect(await client.send("GET", "http://127.0.0.1:\(gatewayPort)/soap11").status == 404, "still serving during drain_delay")
        #expect(await slow.status == 200, "the in-flight resend finished")
        #expect(await GatewayProcess.finish(gateway).status == 0)
    }
}

@Suite("gateway demo")
struct DemoTests {
    @Test func theDemoShowsAForwardAReplayAThrottleAndAValidationError() async throws {
        let port = try closedPort()
        let demo = try GatewayProcess.start(["demo", "--port", String(port)])
        defer { if demo.isRunning { demo.terminate() } }
        let client = TestHTTPClient()
        let base = "http://127.0.0.1:\(port)/api/connectionrequests"
        let contact = "0f8fad5b-d9cb-469f-a165-70867728950e"
        var first = await client.send("POST", "\(base)/7c0e2d6e-4f4b-4a59-9f1e-0c3b8a1d2e4f/resend?ContactId=\(contact)")
        for _ in 0..<50 where first.status == 0 {
            try await Task.sleep(for: .milliseconds(100))
            first = await client.send("POST", "\(base)/7c0e2d6e-4f4b-4a59-9f1e-0c3b8a1d2e4f/resend?ContactId=\(contact)")
        }
        #expect(first.status == 200)
        let replay = await client.send("POST", "\(base)/7c0e2d6e-4f4b-4a59-9f1e-0c3b8a1d2e4f/resend?ContactId=\(contact)", headers: ["Accept: application/xml"])
        #expect(replay.header("Idempotent-Replayed") == "true")
        #expect(await client.send("POST", "\(base)/11111111-2222-3333-4444-555555555555/resend?ContactId=\(contact)").status == 200)
        #expect(await client.send("POST", "\(base)/66666666-7777-8888-9999-000000000000/resend?ContactId=\(contact)").status == 429)
        #expect(await client.send("POST", "\(base)/7c0e2d6e-4f4b-4a59-9f1e-0c3b8a1d2e4f/resend?ContactId=abc").status == 400)
        kill(demo.processIdentifier, SIGINT)
        let stopped = await GatewayProcess.finish(demo)
        #expect(stopped.status == 0)
        #expect(stopped.stderr.contains("curl -si -X POST 'http://127.0.0.1:\(port)/api/connectionrequests/"))
        #expect(stopped.stdout.contains("\"decision\":\"throttled\""))
    }
}
