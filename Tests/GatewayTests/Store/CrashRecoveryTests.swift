import Foundation
import Testing

/// A real gateway process on a real SQLite file, killed with SIGKILL mid-flight and started again.
@Suite("State survives kill -9")
struct CrashRecoveryTests {
    let client = TestHTTPClient()

    @Test func completedResendsQuotaAndInFlightClaimsSurviveARestart() async throws {
        let (gatewayPort, adminPort, stubPort) = (try closedPort(), try closedPort(), try closedPort())
        let folder = URL(fileURLWithPath: try temporaryFile("")).deletingLastPathComponent().appendingPathComponent("state").path
        let config = try GatewayProcess.config(
            gateway: gatewayPort, admin: adminPort, upstream: "http://127.0.0.1:\(stubPort)", upstreamLines: "connect_timeout = \"1s\"\ntimeout = \"5s\"",
            extra: """
            [idempotency]
            coalesce_wait = "300ms"
            [throttle]
            per_contact = "1/1h"
            per_principal = ""
            [store]
            backend = "sqlite"
            path = "\(folder)/state.db"
            timeout = "5s"
            """)
        // Every step waits for what it needs rather than sleeping a guess: the stub holds each resend
        // 2 s, and b's claim lives 6 s from its sent mark (timeout + connect_timeout).
        let stub = try await GatewayProcess.stub(port: stubPort, latency: 2000)
        defer { stub.terminate() }
        let base = "http://127.0.0.1:\(gatewayPort)"
        let (a, b, c) = (Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid()), Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid()), Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid()))

        var gateway = try await GatewayProcess.serve(config: config, admin: adminPort)
        #expect(await client.send("POST", base + a).status == 200)
        async let inFlight = client.send("POST", base + b)
        func invitations() async -> String { await client.send("GET", "http://127.0.0.1:\(stubPort)/__stub/sent").body }
        for _ in 0..<200 where await !invitations().contains("\"total\":2") { try await Task.sleep(for: .milliseconds(20)) }
        kill(gateway.processIdentifier, SIGKILL)
        _ = await GatewayProcess.finish(gateway)
        #expect(await inFlight.status == 0, "the client lost its gateway")

        gateway = try await GatewayProcess.serve(config: config, admin: adminPort)
        defer { gateway.terminate() }
        // b reached the upstream, so it was marked sent before the crash: a copy waits, then is
        // refused (409) while the claim's deadline has not passed…
        #expect(await client.send("POST", base + b).status == 409)
        let replay = await client.send("POST", base + a)
        #expect(replay.status == 200)
        #expect(replay.header("Idempotent-Replayed") == "true")
        let sameContact = a.replacingOccurrences(of: a.split(separator: "/")[2], with: Fixtures.guid())
        #expect(await client.send("POST", base + sameContact).status == 429, "the contact's quota was kept")
        #expect(await client.send("POST", base + c).status == 200, "nothing else is blocked")
        // …and once it has passed, is answered outcome-unknown, never re-sent.
        var unknown = await client.send("POST", base + b)
        for _ in 0..<100 where unknown.status == 409 {
            try await Task.sleep(for: .milliseconds(200))
            unknown = await client.send("POST", base + b)
        }
        #expect(unknown.status == 502)
        #expect(unknown.body.contains("UpstreamOutcomeUnknown"))
        let sent = await client.send("GET", "http://127.0.0.1:\(stubPort)/__stub/sent")
        #expect(sent.body.contains("\"total\":3"), "a, b (once, though its gateway died) and c")
    }
}
